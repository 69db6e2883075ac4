/**
 * The route a preflight is about. A preflight for `PUT /items/42` arrives as `OPTIONS /items/42`:
 * an adapter with per-route policies must decide it by the route that `PUT /items/42` reaches.
 */
import { corsRequestKind, normalizeMethod } from './classify.js';
import type { CorsRequest } from './types.js';

/**
 * The method a preflight asks about, as the actual request will carry it (`normalizeMethod`);
 * `undefined` for a request that is not a preflight (`corsRequestKind`), whose own method and path
 * reach its route.
 *
 * @example corsPreflightMethod({ method: 'OPTIONS', origin: 'https://a.example', requestMethod: 'delete' }) // 'DELETE'
 * @example corsPreflightMethod({ method: 'GET', origin: 'https://a.example' }) // undefined
 */
export function corsPreflightMethod(
  request: Pick<CorsRequest, 'method' | 'origin' | 'requestMethod'>,
): string | undefined {
  if (corsRequestKind(request) !== 'preflight') return undefined;
  return normalizeMethod(request.requestMethod as string);
}
