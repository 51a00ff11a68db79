/** Temp projects and in-process runs for the replay tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../runtime/config/load.ts';
import { runReplay, type RunOptions, type RunOutcome } from '../../runtime/replay/runner.ts';
import type { FixtureResult } from '../../runtime/replay/result.ts';
import { PROJECT_ROOT, scratchProject } from '../support/cli.ts';

/** A copy of the project (hooks, fixtures, config) plus `files` (path → JSON value or text). */
export function project(files: Record<string, unknown> = {}): string {
  const dir = scratchProject();
  writeFiles(dir, files);
  return dir;
}

/** A folder with only `files` (hooks and fixtures written by the test) and a config pointing at the repository's schema and seed. */
export function bareProject(files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'enfyra-replay-'));
  writeFiles(dir, {
    'enfyra.config.json': { database: { schema: path.join(PROJECT_ROOT, 'fixtures/schema.json'), seed: path.join(PROJECT_ROOT, 'fixtures/seed.json') } },
    ...files,
  });
  return dir;
}

export function writeFiles(dir: string, files: Record<string, unknown>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** Replays in this process, with the project's config, from the project folder. */
export function replayIn(dir: string, options: Partial<RunOptions> = {}): Promise<RunOutcome> {
  return runReplay({ config: loadConfig({ cwd: dir, env: {} }), cwd: dir, ...options });
}

/** A result without timings (they differ from run to run). */
export function timeless(results: readonly FixtureResult[]): unknown {
  return JSON.parse(
    JSON.stringify(results, (key, value) => (key === 'durationMs' ? undefined : key === 'timestamp' ? undefined : value)),
  );
}
