// The seed's cache-first pattern, written to survive a cache outage: when
// $cache fails (a 503 ServiceUnavailableException: Redis cannot be reached),
// the hook serves the row from $repos instead of failing the request.
const id = Number($ctx.$params.id ?? 1);
const key = `user-profile:${id}`;
let cacheError = null;

async function cache(call) {
  if (cacheError) return null; // down once: do not wait for it again in this request
  const started = Date.now();
  try {
    return await call();
  } catch (err) {
    if (err.statusCode !== 503) throw err;
    cacheError = { statusCode: err.statusCode, name: err.name, message: err.message, afterMs: Date.now() - started };
    return null;
  }
}

const cached = await cache(() => $ctx.$cache.get(key));
if (cached) return { source: 'cache', profile: cached, cacheError };

const result = await $ctx.$repos.user_definition.find({ filter: { id: { _eq: id } } });
const profile = result.data[0] ?? null;
if (profile) await cache(() => $ctx.$cache.set(key, profile, 300000));
$ctx.$logs(cacheError ? `cache unavailable, served from the database: ${id}` : `served from the database: ${id}`);
return { source: 'database', profile, cacheError };
