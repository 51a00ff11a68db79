// The seed's rate-limit pattern made race-free with the $cache.incr extension,
// written in template syntax. incr is one atomic step, so 20 concurrent
// requests can never all read the same old count.
const key = `rate-limit:${@USER.id}:${@REQ.url}`;
const count = await @CACHE.incr(key, 1, 60000);
if (count > 10) {
  @THROW429('Rate limit exceeded. Please try again later.');
}
@LOGS(`Rate limit check passed for user: ${@USER.id} (${count}/10)`);
return { requests: count, limit: 10 };
