// The seed's "Lock Pattern with Try-Finally" on the records table.
//   enfyra-run hooks/lock-record.js --method PATCH --params id=1 --body '{"status": "archived"}'
const recordId = $ctx.$params.id;
const updateData = $ctx.$body;
// --- verbatim from cache-operations.md ---
const lockKey = `record-lock:${recordId}`;
const lockValue = $ctx.$user.id;
const lockAcquired = await $ctx.$cache.acquire(lockKey, lockValue, 10000);

if (!lockAcquired) {
  $ctx.$throw['409']('Record is currently being modified');
  return;
}

try {
  // Critical operation here
  $ctx.$logs(`Acquired lock for record: ${recordId}`);
  
  // Perform the operation
  await $ctx.$repos.records.update({
    id: recordId,
    data: updateData
  });
  
} finally {
  // Always release the lock
  await $ctx.$cache.release(lockKey, lockValue);
  $ctx.$logs(`Released lock for record: ${recordId}`);
}
// --- end verbatim ---
return { id: recordId, updated: true };
