// Moves stock between two products in one transaction: both updates, or neither.
//   enfyra-run hooks/transfer-stock.js --body '{"from":1,"to":2,"amount":5}'
const { from, to, amount } = $ctx.$body;
return await $ctx.$transaction.run(async () => {
  const source = (await $ctx.$repos.products.find({ filter: { id: { _eq: from } }, fields: 'id,stock' })).data[0];
  const target = (await $ctx.$repos.products.find({ filter: { id: { _eq: to } }, fields: 'id,stock' })).data[0];
  await $ctx.$repos.products.update({ id: to, data: { stock: target.stock + amount } });
  if (source.stock < amount) $ctx.$throw['409'](`only ${source.stock} in stock`);
  await $ctx.$repos.products.update({ id: from, data: { stock: source.stock - amount } });
  return { from: source.stock - amount, to: target.stock + amount };
});
