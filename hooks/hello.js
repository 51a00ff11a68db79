// The smallest hook: greets the caller and echoes a route parameter.
//   enfyra-run hooks/hello.js --params id=123
$ctx.$logs(`hello.js called with id=${$ctx.$params.id}`);
return {
  message: `Hello, ${$ctx.$user ? $ctx.$user.email : 'anonymous'}!`,
  id: $ctx.$params.id ?? null,
};
