// Bench row 2: $params.n acquire + release pairs in one invocation.
const n = Number($ctx.$params.n); // $params values are strings, as from a URL
for (let i = 0; i < n; i++) {
  if (!(await $ctx.$cache.acquire('bench:lock', 'owner-1', 5000))) throw new Error('lock was taken');
  if (!(await $ctx.$cache.release('bench:lock', 'owner-1'))) throw new Error('lock was not released');
}
return n;
