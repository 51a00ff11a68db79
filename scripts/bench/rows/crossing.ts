/**
 * Info row: what one isolate entry that makes one host call costs on this
 * machine, in the two ways isolated-vm offers. "ours" = an asynchronous entry
 * (`reference.apply`, run on isolated-vm's thread pool; a sync `ivm.Callback`
 * from there hops to the Node thread and back), "baseline" = the same entry
 * with `applySync` on the Node thread. Explains rows 1-3: the sandbox's
 * entries that run hook code are asynchronous (so that isolated-vm's untimed
 * copy of an escaped exception cannot stall the Node thread).
 */
import ivm from 'isolated-vm';
import { interleaved } from '../lib/interleave.ts';
import { asLatency, type RowOptions, type RowResult } from '../lib/report.ts';

export async function crossingRow({ quick }: RowOptions): Promise<RowResult> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  let calls = 0;
  context.global.setSync('host', new ivm.Callback(() => (calls++, '')));
  const fn = isolate.compileScriptSync('(function () { return host(); })').runSync(context, { reference: true });
  const N = 100;
  try {
    const result = await interleaved({
      rounds: quick ? 2 : 6,
      time: quick ? 150 : 300,
      iterations: 5,
      opsPerSample: N,
      ours: async () => {
        for (let i = 0; i < N; i++) await fn.apply(undefined, [], { timeout: 1000 });
      },
      baseline: async () => {
        for (let i = 0; i < N; i++) fn.applySync(undefined, [], { timeout: 1000 });
      },
    });
    return {
      id: 'crossing',
      label: '(info) isolate entry + 1 host callback: async apply vs applySync',
      unit: 'µs/entry',
      target: null,
      note: 'isolated-vm primitives only, no runtime code: the floor under every host-call reply (rows 1-2) and hook start (row 3)',
      ...asLatency(result, 1000),
    };
  } finally {
    fn.release();
    context.release();
    isolate.dispose();
  }
}
