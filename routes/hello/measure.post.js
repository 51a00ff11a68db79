// Post-hook of /hello/:id: runs after the handler (and before the global "Default response"
// post-hook when its priority is lower); $ctx.$data holds the handler's answer.
if ($ctx.$data && typeof $ctx.$data.message === 'string') {
  $ctx.$data.length = $ctx.$data.message.length;
}
