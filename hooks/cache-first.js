// Seed Pattern 1: cache-first data retrieval (verbatim below the marker).
//   enfyra-run hooks/cache-first.js --params id=1    (twice: a miss, then a hit)
// --- verbatim from cache-operations.md ---
const cacheKey = `user-profile:${$ctx.$params.id}`;
let userProfile = await $ctx.$cache.get(cacheKey);

if (!userProfile) {
  // Cache miss - fetch from database
  const result = await $ctx.$repos.user_definition.find({
    where: { id: { _eq: $ctx.$params.id } }
  });
  
  if (result.data.length > 0) {
    userProfile = result.data[0];
    // Cache for 5 minutes
    await $ctx.$cache.set(cacheKey, userProfile, 300000);
    $ctx.$logs(`User profile cached: ${$ctx.$params.id}`);
  }
} else {
  $ctx.$logs(`User profile served from cache: ${$ctx.$params.id}`);
}

// Use userProfile...
// --- end verbatim ---
if (!userProfile) $ctx.$throw['404'](`User ${$ctx.$params.id} not found`);
return userProfile;
