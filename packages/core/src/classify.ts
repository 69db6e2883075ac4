/**
 * What kind of request this is, in the Fetch Standard's terms. Every adapter that needs to know
 * (to pick the route a preflight asks about, say) asks here, so that no two places can disagree.
 */
import { NORMALIZED_METHODS } from './tokens.js';
import type { CorsRequest } from './types.js';

/**
 * - `not-cors`: no `Origin` header; CORS adds nothing (Fetch §3.2.2: a CORS request carries `Origin`).
 * - `preflight`: `OPTIONS` with `Origin` and `Access-Control-Request-Method` (Fetch §3.2.2, "CORS-preflight request").
 * - `actual`: any other request with `Origin`, `OPTIONS` included (it reaches the route).
 */
export type CorsRequestKind = 'not-cors' | 'actual' | 'preflight';

/**
 * Classifies a request. The method compares case-sensitively: `options` is not `OPTIONS` (Fetch
 * upper-cases only when a page writes the method, and a browser's preflight is always `OPTIONS`).
 *
 * @example corsRequestKind({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'PUT' }) // 'preflight'
 */
export function corsRequestKind(
  request: Pick<CorsRequest, 'method' | 'origin' | 'requestMethod'>,
): CorsRequestKind {
  if (request.origin == null) return 'not-cors';
  return request.method === 'OPTIONS' && request.requestMethod != null ? 'preflight' : 'actual';
}

/**
 * The method a preflight asks about, as the actual request will carry it: Fetch's "normalize a
 * method" (§2.2.1) upper-cases `delete`, `get`, `head`, `options`, `post` and `put` in any case and
 * leaves every other method as written (`patch` stays `patch`). Use it to find the route a
 * preflight is about; the policy's `methods` check uses the same rule.
 *
 * @example normalizeMethod('delete') // 'DELETE'
 * @example normalizeMethod('patch') // 'patch'
 */
export function normalizeMethod(method: string): string {
  if (method.length > 7) return method;
  const upper = method.toUpperCase();
  return upper !== method && NORMALIZED_METHODS.has(upper) ? upper : method;
}
