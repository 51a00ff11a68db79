// After an order is placed: tell the buyer, start the "welcome" flow, ask a shipping API for a quote.
// Replay answers the API from the fixture's state.fetch (fixtures/requests/order-placed.json).
const { userId, name, weightKg } = $ctx.$body;
await $ctx.$socket.emitToUser(userId, 'order:placed', { name });
const job = await $ctx.$trigger('welcome', { name, userId });
const quote = await $ctx.$helpers.$fetch('https://shipping.example.com/quote', { query: { kg: weightKg } });
$ctx.$logs(`quoted ${quote.price} for ${weightKg} kg`);
return { flowId: job.flowId, shipping: quote.price };
