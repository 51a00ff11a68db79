/**
 * Row 3: a hook that does `return 1` through the full runtime (`runtime.run`:
 * hook file lookup, pooled isolate, fresh context, bootstrap building `$ctx`,
 * the result envelope) vs bare isolated-vm on one isolate: create a context,
 * run a precompiled script, release the context (the *Sync calls, the
 * cheapest way to do that work).
 */
import ivm from 'isolated-vm';
import { interleaved } from '../lib/interleave.js';
import { asLatency } from '../lib/report.js';
import { benchHook } from '../lib/project.js';

export async function trivialHookRow({ runtime, quick }) {
  const isolate = new ivm.Isolate({ memoryLimit: runtime.config.sandbox.memoryLimitMb });
  const script = isolate.compileScriptSync('1');
  const hook = benchHook('return-1.js');
  const BATCH = 20;
  try {
    const result = await interleaved({
      rounds: quick ? 2 : 8,
      time: quick ? 200 : 500,
      iterations: 10,
      opsPerSample: BATCH,
      ours: async () => {
        for (let i = 0; i < BATCH; i++) {
          const env = await runtime.run(hook);
          if (env.data !== 1) throw new Error(`return-1 failed: ${JSON.stringify(env.error)}`);
        }
      },
      baseline: async () => {
        for (let i = 0; i < BATCH; i++) {
          const context = isolate.createContextSync();
          if (script.runSync(context) !== 1) throw new Error('bare run failed');
          context.release();
        }
      },
    });
    return {
      id: 'trivial-hook',
      label: 'hook `return 1` via runtime.run vs bare isolated-vm',
      unit: 'µs/invocation',
      target: { op: '<=', value: 2 },
      note: 'bare = createContextSync + precompiled script.runSync + context.release on one isolate',
      ...asLatency(result, 1000),
    };
  } finally {
    isolate.dispose();
  }
}
