// Handler of the chain fixtures: answers, fails with a status, crashes, or returns nothing.
$ctx.$logs('handler');
$ctx.$share.trail.push('handler');
if ($ctx.$query.fail) $ctx.$throw['422']('bad input', { field: 'name' });
// @ts-expect-error -- an uncaught ReferenceError on purpose
if ($ctx.$query.crash) return missingValue + 1;
if ($ctx.$query.silent) return;
return { from: 'handler' };
