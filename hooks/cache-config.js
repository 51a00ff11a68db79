// Seed Pattern 5: cache configuration data that rarely changes.
// --- verbatim from cache-operations.md ---
const configKey = 'app:configuration';
let config = await $ctx.$cache.get(configKey);

if (!config) {
  // Load from database
  const result = await $ctx.$repos.configurations.find({
    where: { isActive: { _eq: true } }
  });
  
  if (result.data.length > 0) {
    config = result.data[0];
    // Cache for 1 hour
    await $ctx.$cache.set(configKey, config, 3600000);
  }
}

// Use config...
// --- end verbatim ---
return config ?? null;
