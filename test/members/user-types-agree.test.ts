/**
 * The shapes a script gets back are declared twice on purpose: in the runtime, and in the user-facing
 * types/*.d.ts that `enfyra-run init` copies into a project (global declarations that cannot import the
 * runtime). This file makes them one fact: `npm test` type-checks it, and a field added, removed or
 * retyped on one side only fails the check (expectTypeOf has no effect at run time).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { RateLimitResult as RuntimeRateLimitResult } from '../../runtime/helpers/rate-limit.ts';
import type { UploadedFile as RuntimeUploadedFile } from '../../runtime/shared/uploaded-file.ts';

describe('types/*.d.ts agree with the runtime', () => {
  it('$helpers.$rateLimit results', () => {
    expectTypeOf<RateLimitResult>().toEqualTypeOf<RuntimeRateLimitResult>();
  });

  it('$ctx.$uploadedFile', () => {
    expectTypeOf<EnfyraUploadedFile>().toEqualTypeOf<RuntimeUploadedFile>();
  });
});
