/**
 * Applying a decision to a response, for custom servers and runtimes with a Fetch `Headers` (Deno,
 * Bun, workers, Hono-like frameworks). Structural types, so the core needs no DOM or Node types.
 */
import type { CorsDecision } from './types.js';
import { appendVary } from './vary.js';

/** The part of the Fetch `Headers` interface that `applyCorsHeaders` uses. */
export interface HeadersLike {
  get(name: string): string | null;
  set(name: string, value: string): void;
}

/**
 * Sets a decision's CORS headers on `headers` and merges its `Vary` tokens with any `Vary` already
 * there. Returns `headers`.
 *
 * @example
 * const decision = policy.decide({ method: req.method, origin: req.headers.get('origin') });
 * applyCorsHeaders(response.headers, decision);
 */
export function applyCorsHeaders<H extends HeadersLike>(headers: H, decision: CorsDecision): H {
  const cors = decision.headers;
  for (const name in cors) headers.set(name, cors[name as keyof typeof cors] as string);
  if (decision.vary !== '')
    headers.set('vary', appendVary(headers.get('vary') ?? undefined, decision.vary));
  return headers;
}

/** Reads the four request headers the core needs from a Fetch-style `Headers` object. */
export function corsRequestFromHeaders(method: string, headers: Pick<HeadersLike, 'get'>) {
  return {
    method,
    origin: headers.get('origin'),
    requestMethod: headers.get('access-control-request-method'),
    requestHeaders: headers.get('access-control-request-headers'),
    requestPrivateNetwork: headers.get('access-control-request-private-network'),
  };
}
