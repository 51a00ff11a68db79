// Pre-hook of /hello/:id: leaves a note in $share for the scripts after it.
// Returning a value here would answer the request and skip the handler and post-hooks.
$ctx.$share.stampedAt = new Date().toISOString();
