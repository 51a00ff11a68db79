// Enfyra's default GET handler for a table route: filter, fields, sort, page, limit, meta and deep come from the
// request's query string. $repos.main enforces field permissions for a user who is not root admin.
//   enfyra-run hooks/list-main.js --table products --query 'filter={"category":{"slug":"books"}}' --query fields=id,name --query limit=2
return await $ctx.$repos.main.find();
