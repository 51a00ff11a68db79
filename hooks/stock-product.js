// Relation writes: a many-to-one as { id }, a many-to-many as ids, a one-to-many as new rows.
//   enfyra-run hooks/stock-product.js --method POST --body '{"name":"Desk Mat","slug":"desk-mat","price":19,"category":3,"labels":[2]}'
const body = $ctx.$body;
const created = await $ctx.$repos.products.create({
  data: { ...body, category: { id: body.category }, reviews: [{ rating: 5, body: 'first!' }] },
  fields: 'id,name,category.name,labels.name,reviews.rating',
});
const product = created.data[0];
if (body.relabel) {
  await $ctx.$repos.products.update({ id: product.id, data: { labels: body.relabel } });
}
return (await $ctx.$repos.products.find({ filter: { id: product.id }, fields: 'id,name,category.name,labels.name,reviews.rating' })).data[0];
