// A GraphQL resolver (kind "graphql"): reads its arguments from $args.
//   enfyra-run hooks/product-resolver.js --kind graphql --args '{"id":2}'
const found = await $ctx.$repos.products.find({ filter: { id: { _eq: $ctx.$args.id } }, fields: 'id,name' });
return found.data[0] ?? null;
