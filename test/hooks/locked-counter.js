// acquire -> read counter -> short wait -> write counter+1 -> release, retrying while the lock is taken.
const me = `${$ctx.$params.worker}:${$ctx.$params.iteration}`;
while (!(await $ctx.$cache.acquire('counter-lock', me, 5000))) {
  await $ctx.$helpers.$sleep(1);
}
try {
  const current = (await $ctx.$cache.get('counter')) || 0;
  await $ctx.$helpers.$sleep(1);
  await $ctx.$cache.setNoExpire('counter', current + 1);
} finally {
  await $ctx.$cache.release('counter-lock', me);
}
return true;
