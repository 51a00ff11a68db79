// Seed Pattern 6, first half: create a session cached for 7 days.
//   enfyra-run hooks/session-create.js --params sessionId=abc
// `generateSessionId` and `user` are the pattern's free variables.
const generateSessionId = () => $ctx.$params.sessionId || $ctx.$helpers.$crypto.randomUUID();
const user = $ctx.$user;
// --- verbatim from cache-operations.md ---
// Create session
const sessionId = generateSessionId();
const sessionData = {
  userId: user.id,
  email: user.email,
  createdAt: new Date()
};

// Cache session for 7 days
await $ctx.$cache.set(`session:${sessionId}`, sessionData, 7 * 24 * 60 * 60 * 1000);
// --- end verbatim ---
return { sessionId };
