/**
 * The bare isolated-vm floor of issue 17: per operation, a new context and one run of a precompiled
 * trivial script (the asynchronous calls, as a runtime serving concurrent requests must use them),
 * spread over `concurrency` lanes on `isolates` isolates (lane i uses isolate i mod isolates).
 */
import ivm from 'isolated-vm';

export interface BareFloor {
  /** `total` operations over `concurrency` lanes; resolves to the number done. */
  sample(concurrency: number, total: number): Promise<number>;
  dispose(): void;
}

export function bareFloor({ isolates, memoryLimitMb }: { isolates: number; memoryLimitMb: number }): BareFloor {
  const pool = Array.from({ length: isolates }, () => {
    const isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
    return { isolate, script: isolate.compileScriptSync('1') };
  });
  return {
    async sample(concurrency, total) {
      const perLane = Math.ceil(total / concurrency);
      await Promise.all(
        Array.from({ length: concurrency }, async (_, lane) => {
          const { isolate, script } = pool[lane % pool.length];
          for (let i = 0; i < perLane; i++) {
            const context = await isolate.createContext();
            if ((await script.run(context)) !== 1) throw new Error('bare run failed');
            context.release();
          }
        }),
      );
      return perLane * concurrency;
    },
    dispose() {
      for (const { isolate } of pool) isolate.dispose();
    },
  };
}

/** `total` calls of `one` over `concurrency` lanes. */
export async function lanes(concurrency: number, total: number, one: () => Promise<unknown>): Promise<number> {
  const perLane = Math.ceil(total / concurrency);
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < perLane; i++) await one();
  }));
  return perLane * concurrency;
}
