/**
 * Stubbed `$fetch` answers for replay (fixtures' `state.fetch`): a request
 * matches the first stub with its method (default any) and URL (exact, or a
 * prefix ending in `*`). An unmatched request fails naming the URL: replay
 * never touches the network.
 */
import type { FetchAnswer, StubbedResponse } from './transport.ts';

export interface FetchStub extends StubbedResponse {
  method?: string;
  url: string;
}

export class UnstubbedFetchError extends Error {
  override readonly name = 'UnstubbedFetchError';
}

export function answerFromStubs(stubs: readonly FetchStub[]): FetchAnswer {
  return (request) => {
    const stub = stubs.find(
      (s) =>
        (s.method === undefined || s.method.toUpperCase() === request.method.toUpperCase()) &&
        (s.url.endsWith('*') ? request.url.startsWith(s.url.slice(0, -1)) : s.url === request.url),
    );
    if (!stub) {
      throw new UnstubbedFetchError(`$helpers.$fetch: no stub for ${request.method} ${request.url} (replay never touches the network: add it to state.fetch)`);
    }
    return stub;
  };
}
