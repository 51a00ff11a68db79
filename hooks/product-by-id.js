// Enfyra's template syntax (rewritten to $ctx before compiling):
// @PARAMS -> $ctx.$params, #products -> $ctx.$repos.products, @THROW404 -> $ctx.$throw['404'], ...
//   enfyra-run hooks/product-by-id.js --params id=3
const result = await #products.find({ filter: { id: { _eq: @PARAMS.id } }, fields: 'id,name,price,stock' });
if (result.data.length === 0) {
  @THROW404(`Product ${@PARAMS.id} not found`);
}
const product = result.data[0];
@LOGS(`product ${product.id} read by user ${@USER ? @USER.id : 'anonymous'}`);
return { ...product, slug: @HELPERS.autoSlug(product.name), note: 'strings like "@USER" and #hash stay as written' };
