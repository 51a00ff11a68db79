#!/usr/bin/env -S node --no-node-snapshot
// isolated-vm needs --no-node-snapshot on Node 20; when started some other way
// (plain `node bin/enfyra-run.js`), re-run once with the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const hasFlag =
  process.execArgv.includes('--no-node-snapshot') || /(^|\s)--no-node-snapshot(\s|$)/.test(process.env.NODE_OPTIONS ?? '');

if (hasFlag) {
  const { main } = await import('../dist/runtime/cli/main.js');
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Everything is closed by now; if a driver still holds the loop open, do not hang the shell.
  setTimeout(() => process.exit(code), 200).unref();
} else {
  const child = spawnSync(
    process.execPath,
    ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}
