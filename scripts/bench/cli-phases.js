// @ts-check
/**
 * Start-up breakdown of `enfyra-run <hook>` (row 5), run as its own process
 * with the CLI's flags (`node --no-node-snapshot`). It loads the CLI's modules
 * subsystem by subsystem (ES modules load once, so each step times only what
 * is new), then runs the real CLI entry (`main(argv)`), then, with --redis,
 * times a fresh Redis driver's first command (connect included) and a second
 * one. Prints one JSON object of phase timings (ms) to stderr; the CLI's own
 * output goes to stdout as usual.
 *
 *   node --no-node-snapshot scripts/bench/cli-phases.js [--redis] -- hooks/hello.js
 *
 * JavaScript (type-checked through JSDoc) rather than TypeScript: Node strips
 * the types of a .ts entry with a WebAssembly module it loads first, which
 * would land in the "node bootstrap" phase of a CLI whose bin is JavaScript.
 */
const t0 = performance.now(); // ms since the process started: Node's own bootstrap
const argv = process.argv.slice(2);
const withRedis = argv[0] === '--redis';
const cliArgs = argv.slice(argv.indexOf('--') + 1);
const root = new URL('../../', import.meta.url);
/** @typedef {import('../lib/built.ts').BuiltModules} BuiltModules */
/**
 * A built module of this checkout, typed by its source (scripts/lib/built.ts, not loaded: types only).
 * @template {keyof BuiltModules} F
 * @param {F} file
 * @returns {Promise<BuiltModules[F]>}
 */
const dist = (file) => import(new URL(`dist/runtime/${file}`, root).href);

/** @type {Record<string, number>} */
const phases = { 'node bootstrap (--no-node-snapshot)': t0 };
let last = t0;
/** @param {string} name */
const lap = (name) => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};

// Subsystem by subsystem, in the order the CLI needs them; each step includes
// whatever packages that subsystem imports at load time (listed afterwards).
await dist('config/load.js');
lap('load: config/ (+ zod)');
await dist('sandbox/sandbox.js');
await dist('template/rewrite.js');
lap('load: sandbox/ + template/ (+ isolated-vm, acorn)');
await dist('cache/create-driver.js');
await dist('cache/cache-module.js');
lap('load: cache/');
await dist('repos/database-handle.js');
await dist('repos/repos-module.js');
lap('load: repos/');
await dist('helpers/index.js');
lap('load: helpers/');
const { main } = await dist('cli/main.js');
lap('load: cli/ (+ commander) and the rest');

const code = await main(cliArgs);
lap('run: config, Runtime.create, isolate, hook, close');

// Which of the heavy CommonJS packages were loaded by the time the CLI had run the hook (ES-module imports of CJS land in require.cache).
const { createRequire } = await import('node:module');
const cjs = Object.keys(createRequire(import.meta.url).cache);
const heavy = ['knex', 'ioredis', 'bcryptjs', 'better-sqlite3', 'mysql2', 'pg', 'commander', 'zod'];
const loadedAtRun = heavy.filter((name) => cjs.some((file) => file.includes(`/node_modules/${name}/`)));

if (withRedis) {
  // What a hook's first $cache call costs on the Redis driver: loading it (ioredis), then connecting.
  last = performance.now();
  const { RedisCacheDriver } = await dist('cache/drivers/redis.js');
  lap('redis: load the driver (+ ioredis), on first $cache use');
  const driver = new RedisCacheDriver({ url: process.env.REDIS_URL_FOR_PROBE || process.env.REDIS_URL || 'redis://127.0.0.1:6379', commandTimeoutMs: 1000 });
  last = performance.now();
  await driver.get('enfyra-bench:connect-probe');
  lap('redis: connect + first command');
  await driver.get('enfyra-bench:connect-probe');
  lap('redis: a second command');
  await driver.close();
}

// Isolate creation on its own (the run above created one; this is a second, in a warm process).
const { default: ivm } = await import('isolated-vm');
last = performance.now();
const isolate = new ivm.Isolate({ memoryLimit: 128 });
isolate.createContextSync().release();
lap('isolate: create + first context (a 2nd isolate, for scale)');
isolate.dispose();

phases.endMark = performance.now();
process.stderr.write('\n@@PHASES ' + JSON.stringify({ code, phases, loadedAtRun }) + '\n');
process.exitCode = code;
setTimeout(() => process.exit(code), 200).unref();
