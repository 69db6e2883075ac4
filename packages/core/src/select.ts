/**
 * Per-request policy selection, for servers whose allowed origins depend on the request (a tenant
 * chosen by `Host`, settings loaded from a database). Every adapter accepts, in place of options or
 * a policy, a function of its framework's request that returns one of the policies compiled at
 * start-up; the adapter hands what it returned to {@link selectedPolicy}, so that the rule (only a
 * compiled policy, never options compiled per request by accident) is stated once.
 */
import { CorsError } from './errors.js';
import { isCorsPolicy } from './policy.js';
import type { CorsPolicy } from './types.js';

/** The code of the error thrown when a selector returns something other than a policy. */
export const ERR_CORS_SELECTOR_RESULT = 'ERR_CORS_SELECTOR_RESULT';

/**
 * Chooses the policy of one request. It runs per request, so it must not compile: return one of the
 * policies made once with `createCorsPolicy` (kept in a `Map` by tenant, say, and replaced when the
 * tenant's settings change).
 *
 * @example
 * const byHost = new Map([['a.example.com', createCorsPolicy({ origin: ['https://app.a.example.com'] })]]);
 * const select: CorsPolicySelector<{ headers: { host?: string } }> = (req) =>
 *   byHost.get(req.headers.host ?? '') ?? fallback;
 */
export type CorsPolicySelector<Request> = (request: Request) => CorsPolicy;

/**
 * Checks what a selector returned: the policy itself, or a `CorsError` with code
 * `ERR_CORS_SELECTOR_RESULT` that says what to return instead. Options are refused rather than
 * compiled: compiling per request would validate the whole configuration on every request.
 */
export function selectedPolicy(value: unknown): CorsPolicy {
  if (isCorsPolicy(value)) return value;
  const what =
    value === null
      ? 'null'
      : typeof value === 'object'
        ? 'an object that is not a compiled policy (options?)'
        : typeof value;
  throw new CorsError(
    ERR_CORS_SELECTOR_RESULT,
    `The policy selector returned ${what}. Return one of the policies made once at start-up with ` +
      'createCorsPolicy(options), e.g. from a Map keyed by tenant; options are not compiled per ' +
      'request, and every request needs a policy (return a default one rather than undefined).',
  );
}
