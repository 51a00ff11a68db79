// Calls $cache (set, then get) in a loop for $params.durationMs and reports
// every call: when it started (ms after the hook began), how long it took and
// how it ended (a set reports the value it wrote, a get the value it read). Stops early once $params.stopAfterRecovery calls in a row
// have succeeded after at least one failure.
const duration = Number($ctx.$params.durationMs);
const pauseMs = Number($ctx.$params.pauseMs ?? 50);
const stopAfterRecovery = Number($ctx.$params.stopAfterRecovery ?? 0);
const key = $ctx.$params.key ?? 'loop';
const t0 = Date.now();
const calls = [];
let failures = 0;
let streak = 0;

async function timed(op, call) {
  const at = Date.now() - t0;
  try {
    const value = await call();
    calls.push({ op, at, epoch: t0 + at, ms: Date.now() - t0 - at, ok: true, value: value ?? null });
    streak++;
    return true;
  } catch (err) {
    calls.push({ op, at, epoch: t0 + at, ms: Date.now() - t0 - at, ok: false, status: err.statusCode ?? null, name: err.name, message: err.message });
    failures++;
    streak = 0;
    return false;
  }
}

for (let i = 1; Date.now() - t0 < duration; i++) {
  const wrote = await timed('set', async () => {
    await $ctx.$cache.set(key, i, 60000);
    return i;
  });
  if (wrote) await timed('get', () => $ctx.$cache.get(key));
  if (stopAfterRecovery > 0 && failures > 0 && streak >= stopAfterRecovery) break;
  await $ctx.$helpers.$sleep(pauseMs);
}
return calls;
