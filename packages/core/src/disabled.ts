/**
 * What a route with CORS turned off answers (Fastify's `config: { cors: false }`, Nest's
 * `@Cors(false)`, a router mounted without a policy): one decision, the same on every adapter, with
 * its own reason, `cors-disabled`, so that logs say what happened instead of blaming the origin.
 */
import { corsRequestKind } from './classify.js';
import { DENIED_ORIGIN_PREFLIGHT_STATUS } from './decide.js';
import { corsDecision } from './decision.js';
import type { CorsDecision, CorsPolicy, CorsRequest } from './types.js';

const NO_HEADERS: CorsDecision['headers'] = Object.freeze({});
const MESSAGE =
  'CORS is off for this route: no origin may call it from a browser. Give the route a policy if it should be.';

/**
 * A preflight is refused as a preflight from an origin that is not allowed would be: `403`, no
 * CORS headers, answered without reaching the route, so the browser never sends the request. Its
 * `Vary` is the one of a refused preflight under an ordinary policy, so that every adapter sends
 * the same bytes whether a route is off or refuses the origin.
 */
const DISABLED_PREFLIGHT = corsDecision(
  'preflight',
  false,
  'cors-disabled',
  MESSAGE,
  NO_HEADERS,
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  true,
  DENIED_ORIGIN_PREFLIGHT_STATUS,
);

/**
 * Any other request reaches the route with no CORS header and no `Vary`: without
 * `Access-Control-Allow-Origin` a browser lets no other origin read the response, and since the
 * answer is the same whatever the `Origin`, nothing in it varies on `Origin`.
 */
const DISABLED_ACTUAL = corsDecision(
  'actual',
  false,
  'cors-disabled',
  MESSAGE,
  NO_HEADERS,
  '',
  false,
  undefined,
);

/** Without `Origin` it is not a CORS request: the same answer, with nothing refused. */
const DISABLED_NOT_CORS = corsDecision(
  'not-cors',
  true,
  'cors-disabled',
  undefined,
  NO_HEADERS,
  '',
  false,
  undefined,
);

/**
 * The decision for a request to a route with CORS off (see the constants above for why each
 * looks as it does). Frozen and shared, like every decision.
 *
 * @example
 * const decision = route.cors === false ? corsDisabledDecision(request) : policy.decide(request);
 */
export function corsDisabledDecision(
  request: Pick<CorsRequest, 'method' | 'origin' | 'requestMethod'>,
): CorsDecision {
  const kind = corsRequestKind(request);
  return kind === 'preflight'
    ? DISABLED_PREFLIGHT
    : kind === 'actual'
      ? DISABLED_ACTUAL
      : DISABLED_NOT_CORS;
}

/**
 * Decides a request by its policy, or as a route with CORS off does ({@link corsDisabledDecision})
 * when it has none (`null`: Fastify's `config: { cors: false }`, Koa's router without a policy).
 *
 * @example const decision = decideCors(route.cors === false ? null : policy, request);
 */
export function decideCors(
  policy: CorsPolicy | null,
  request: CorsRequest,
): ReturnType<CorsPolicy['decide']> {
  return policy === null ? corsDisabledDecision(request) : policy.decide(request);
}
