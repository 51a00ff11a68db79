#!/usr/bin/env node
/**
 * A private primary + replica watched by 3 Sentinels (quorum 2, master name
 * "enfyra-test") on loopback, on free ports.
 *
 *   node scripts/redis/sentinel.ts start [--dir DIR] [--json] [--name NAME]
 *   node scripts/redis/sentinel.ts status [--dir DIR]
 *   node scripts/redis/sentinel.ts stop [--dir DIR]
 *
 * `start` prints the `cache` config to use; `stop` ends the servers and removes
 * DIR (default .tmp/redis/sentinel).
 */
import { startRedisSentinel, topologyCli } from './harness.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--name');
const name = at >= 0 ? argv[at + 1] : 'enfyra-test';

process.exitCode = await topologyCli('sentinel', (options) => startRedisSentinel({ ...options, name }));
