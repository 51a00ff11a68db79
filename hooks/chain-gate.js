// Pre-hook of the chain fixtures: a value it returns answers the request,
// an error it throws ends it; either way the handler and post-hooks are skipped.
$ctx.$logs('gate');
if ($ctx.$query.answer) return { answeredBy: 'pre-hook' };
if ($ctx.$query.deny) $ctx.$throw['403']('denied by pre-hook');
$ctx.$share.trail = ['pre'];
