// Seed Pattern 7: warm the cache with popular products.
// --- verbatim from cache-operations.md ---
// In a background process or bootstrap script
const popularProducts = await $ctx.$repos.products.find({
  where: { isPopular: { _eq: true } },
  limit: 100
});

for (const product of popularProducts.data) {
  await $ctx.$cache.set(
    `product:${product.id}`,
    product,
    3600000 // 1 hour
  );
}
// --- end verbatim ---
return { warmed: popularProducts.data.map((p) => p.id) };
