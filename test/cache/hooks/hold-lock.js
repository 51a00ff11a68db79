// Takes a lock, says so (with its fencing token) under "<key>:holder", and keeps
// the lock until the process running this hook is killed.
const { key, owner } = $ctx.$params;
if (!(await $ctx.$cache.acquire(key, owner, Number($ctx.$params.ttlMs)))) $ctx.$throw['409']('lock already taken');
await $ctx.$cache.set(`${key}:holder`, { owner, token: await $ctx.$cache.lockToken(key) }, 60000);
for (;;) await $ctx.$helpers.$sleep(30000);
