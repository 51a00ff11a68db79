// $params.burst concurrent $rateLimit.check calls on one key; returns how many were admitted.
const limit = { maxRequests: Number($ctx.$params.maxRequests), perSeconds: Number($ctx.$params.perSeconds) };
const results = await Promise.all(
  Array.from({ length: Number($ctx.$params.burst) }, () => $ctx.$helpers.$rateLimit.check($ctx.$params.key, limit)),
);
return results.filter((r) => r.allowed).length;
