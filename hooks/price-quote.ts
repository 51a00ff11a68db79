// A TypeScript hook, as Enfyra stores scripts by default (scriptLanguage 'typescript'): interfaces,
// annotations, generics, `as`, `satisfies` and enums are compiled away before it runs (no type check).
//   enfyra-run hooks/price-quote.ts --params id=2 --query quantity=3
//   enfyra-run hooks/price-quote.ts --params id=2 --user '{"id":"u2","email":"ann@example.com","isRootAdmin":false,"role":{"id":2,"name":"Customer"}}'
interface Product {
  id: number;
  name: string;
  price: number;
  stock: number;
}

enum Tier {
  Standard = 'standard',
  Staff = 'staff',
}

const discounts = { [Tier.Standard]: 0, [Tier.Staff]: 0.1 } satisfies Record<Tier, number>;

function firstOr<T>(rows: T[], missing: () => never): T {
  return rows.length > 0 ? rows[0] : missing();
}

const roundCents = (n: number): number => Math.round(n * 100) / 100;

const quantity: number = Number(@QUERY.quantity ?? 1);
if (!Number.isInteger(quantity) || quantity < 1) {
  @THROW400(`quantity must be a whole number above 0 (got "${@QUERY.quantity}")`);
}

const result = await #products.find({ filter: { id: { _eq: @PARAMS.id } }, fields: 'id,name,price,stock' });
const product = firstOr(result.data as Product[], () => @THROW404(`Product ${@PARAMS.id} not found`));

const tier: Tier = @USER?.isRootAdmin ? Tier.Staff : Tier.Standard;
const unitPrice = roundCents(product.price * (1 - discounts[tier]));
@LOGS(`quote: ${quantity} x ${product.name} for ${@USER?.email ?? 'anonymous'} (${tier})`);
return {
  product: product.name,
  quantity,
  tier,
  unitPrice,
  total: roundCents(unitPrice * quantity),
  inStock: product.stock >= quantity,
};
