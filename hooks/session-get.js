// Seed Pattern 6, second half: read a session back; 401 once it has expired.
//   enfyra-run hooks/session-get.js --params sessionId=abc
const sessionId = $ctx.$params.sessionId;
// --- verbatim from cache-operations.md ---
// Later: Retrieve session
const session = await $ctx.$cache.get(`session:${sessionId}`);
if (!session) {
  $ctx.$throw['401']('Session expired');
  return;
}
// --- end verbatim ---
return session;
