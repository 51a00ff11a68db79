// Seed Pattern 3: rate limiting, max 10 requests per minute per user and URL.
// (Read-then-write, as in the seed: see docs/cache.md and hooks/rate-limit-atomic.js for the race-free $cache.incr version.)
// --- verbatim from cache-operations.md ---
// Rate limit: max 10 requests per minute per user
const rateLimitKey = `rate-limit:${$ctx.$user.id}:${$ctx.$req.url}`;
const currentCount = await $ctx.$cache.get(rateLimitKey) || 0;

if (currentCount >= 10) {
  $ctx.$throw['429']('Rate limit exceeded. Please try again later.');
  return;
}

// Increment counter with 60 second TTL
await $ctx.$cache.set(rateLimitKey, currentCount + 1, 60000);
$ctx.$logs(`Rate limit check passed for user: ${$ctx.$user.id}`);
// --- end verbatim ---
return { requests: currentCount + 1, limit: 10 };
