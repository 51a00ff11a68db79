// Relation reads: a filter through a many-to-one, related columns in fields, deep options per relation.
//   enfyra-run hooks/catalogue.js --params slug=books
const result = await $ctx.$repos.products.find({
  fields: 'id,name,category.name,labels.name,reviews.rating',
  filter: { category: { slug: { _eq: $ctx.$params.slug } }, isActive: true },
  deep: { reviews: { filter: { rating: { _gte: 4 } }, sort: '-rating', limit: 2 } },
  sort: '-price',
  meta: 'filterCount',
});
return result;
