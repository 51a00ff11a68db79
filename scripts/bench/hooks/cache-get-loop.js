// Bench row 1: $params.n sequential $cache.get calls in one invocation.
const n = Number($ctx.$params.n); // $params values are strings, as from a URL
let value;
for (let i = 0; i < n; i++) value = await $ctx.$cache.get('bench:get');
return value === null ? 0 : n;
