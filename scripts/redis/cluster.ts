#!/usr/bin/env node
/**
 * A private Redis Cluster on loopback: 3 masters, each with 1 replica (so a
 * master can fail over), on free ports.
 *
 *   node scripts/redis/cluster.ts start [--dir DIR] [--json] [--masters N] [--replicas N]
 *   node scripts/redis/cluster.ts status [--dir DIR]
 *   node scripts/redis/cluster.ts stop [--dir DIR]
 *
 * `start` prints the `cache` config to use; `stop` ends the servers and removes
 * DIR (default .tmp/redis/cluster).
 */
import { startRedisCluster, topologyCli } from './harness.ts';

const argv = process.argv.slice(2);
const numberFlag = (flag: string, fallback: number): number => {
  const at = argv.indexOf(flag);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};

process.exitCode = await topologyCli('cluster', (options) =>
  startRedisCluster({ ...options, masters: numberFlag('--masters', 3), replicas: numberFlag('--replicas', 1) }),
);
