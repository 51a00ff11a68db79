// Seed Pattern 4: prevent concurrent modifications with a distributed lock.
//   enfyra-run hooks/prevent-concurrent-modification.js --method PATCH --params id=1 --body '{"stock": 7}'
const updateData = $ctx.$body;
// --- verbatim from cache-operations.md ---
const lockKey = `record-lock:${$ctx.$params.id}`;
const lockValue = $ctx.$user.id;

const lockAcquired = await $ctx.$cache.acquire(lockKey, lockValue, 10000);
if (!lockAcquired) {
  $ctx.$throw['409']('Record is currently being modified by another user');
  return;
}

try {
  // Get current record
  const current = await $ctx.$repos.products.find({
    where: { id: { _eq: $ctx.$params.id } }
  });
  
  if (current.data.length === 0) {
    $ctx.$throw['404']('Product not found');
    return;
  }
  
  // Perform update
  const result = await $ctx.$repos.products.update({
    id: $ctx.$params.id,
    data: updateData
  });
  
  // Invalidate cache
  await $ctx.$cache.deleteKey(`product:${$ctx.$params.id}`);
  
} finally {
  await $ctx.$cache.release(lockKey, lockValue);
}
// --- end verbatim ---
const updated = await $ctx.$repos.products.find({ filter: { id: { _eq: $ctx.$params.id } } });
return updated.data[0];
