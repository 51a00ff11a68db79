// Post-hook: logs what Enfyra gives a post-hook ($statusCode, $data, $error, $api.error, $api.response).
const error = $ctx.$error ? `${$ctx.$error.statusCode} ${$ctx.$error.message}` : 'none';
const apiError = $ctx.$api.error ? $ctx.$api.error.statusCode : 'none';
const response = $ctx.$api.response ? $ctx.$api.response.statusCode : 'none';
$ctx.$logs(`post saw status ${$ctx.$statusCode}, data ${JSON.stringify($ctx.$data)}, error ${error}, api.error ${apiError}, api.response ${response}`);
