// Post-hook: its return value replaces $data (the response body).
const trail = $ctx.$share.trail;
return $ctx.$data === undefined ? { trail } : { wrapped: $ctx.$data, trail };
