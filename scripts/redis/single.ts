#!/usr/bin/env node
/**
 * One private, non-persistent redis-server on loopback and a free port.
 *
 *   node scripts/redis/single.ts start|status|stop [--dir DIR] [--json]
 *
 * Default DIR: .tmp/redis/single.
 */
import { startSingle, topologyCli } from './harness.ts';

process.exitCode = await topologyCli('single', startSingle);
