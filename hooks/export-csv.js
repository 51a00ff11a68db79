// A handler that streams a CSV download of the products.
//   enfyra-run hooks/export-csv.js --out products.csv
const found = await $ctx.$repos.products.find({ fields: 'id,name,price', sort: 'id', limit: 0 });
const lines = found.data.map((p) => `${p.id},${JSON.stringify(p.name)},${p.price}`);
await $ctx.$res.stream(['id,name,price\n', ...lines.map((l) => l + '\n')], { mimetype: 'text/csv', filename: 'products.csv' });
