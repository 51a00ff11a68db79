// One attempt at the seed's lock pattern: acquire, take the fencing token, release.
const { key, owner } = $ctx.$params;
if (!(await $ctx.$cache.acquire(key, owner, 10000))) return { taken: false };
try {
  return { taken: true, token: await $ctx.$cache.lockToken(key) };
} finally {
  await $ctx.$cache.release(key, owner);
}
