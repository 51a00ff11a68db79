/** Worker processes, driven directly (from source: the worker process strips the types itself). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config/load.ts';
import type { FixtureResult } from '../../runtime/replay/result.ts';
import { PROJECT_ROOT } from '../support/cli.ts';
import { replayIn, timeless } from './support.ts';
import { selectFiles } from '../../runtime/replay/runner.ts';

import { runWorker } from '../../runtime/replay/workers.ts';
import { OrderedQueue } from '../../runtime/replay/work-queue.ts';

const crashed = (file: string, error: string): FixtureResult => ({ file, displayPath: file, name: file, status: 'failed', durationMs: 0, steps: [], error });

describe('replay worker processes', () => {
  it('a worker alone replays every file with the same results as this process', async () => {
    const config = loadConfig({ cwd: PROJECT_ROOT, env: {} });
    const files = selectFiles({ config, cwd: PROJECT_ROOT });
    const delivered: number[] = [];
    const queue = new OrderedQueue<string, FixtureResult>(files, (_r, i) => delivered.push(i));
    await runWorker({ init: { config, cwd: PROJECT_ROOT, real: false, update: false, strict: false, runId: 'test01' }, queue, concurrency: 3, crashed }).done;
    const results = queue.finish((file) => crashed(file, 'not replayed'));
    expect(delivered).toEqual(files.map((_, i) => i));
    expect(timeless(results)).toEqual(timeless((await replayIn(PROJECT_ROOT)).results));
  });

  it('a worker that cannot start takes no files; they are reported, not lost', async () => {
    const config = loadConfig({ cwd: PROJECT_ROOT, env: {} });
    // A schema file that is not JSON: the worker's start-up fails (a missing one would just mean no tables).
    const badSchema = path.join(mkdtempSync(path.join(tmpdir(), 'enfyra-worker-')), 'schema.json');
    writeFileSync(badSchema, '{ not json');
    const broken = { ...config, database: { ...config.database, schema: badSchema } };
    const files = selectFiles({ config, cwd: PROJECT_ROOT });
    const queue = new OrderedQueue<string, FixtureResult>(files);
    await runWorker({ init: { config: broken, cwd: PROJECT_ROOT, real: false, update: false, strict: false, runId: 'test02' }, queue, concurrency: 2, crashed }).done;
    const results = queue.finish((file) => crashed(file, 'not replayed'));
    expect(results.map((r) => r.error)).toEqual(files.map(() => 'not replayed'));
  });
});
