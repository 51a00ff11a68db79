// A post-hook with a bug: Enfyra ignores its error and runs the next post-hook.
$ctx.$logs('broken post-hook');
throw new Error('post-hook bug');
