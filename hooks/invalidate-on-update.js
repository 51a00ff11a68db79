// Seed Pattern 2: invalidate the cache on update.
//   enfyra-run hooks/invalidate-on-update.js --method PATCH --params id=1 --body '{"price": 12.5}'
const productId = $ctx.$params.id;
const updateData = $ctx.$body;
// --- verbatim from cache-operations.md ---
// Update record
const result = await $ctx.$repos.products.update({
  id: productId,
  data: updateData
});

// Invalidate cache
await $ctx.$cache.deleteKey(`product:${productId}`);
$ctx.$logs(`Cache invalidated for product: ${productId}`);
// --- end verbatim ---
return result.data[0];
