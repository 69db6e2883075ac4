import type { CorsReason } from './types.js';

/** Every `reason` a decision can carry, with what it means. Documented in docs/reasons.md. */
export const CORS_REASONS: Readonly<Record<CorsReason, string>> = Object.freeze({
  'no-origin': 'The request has no Origin header: it is not a CORS request, and CORS adds nothing.',
  allowed: 'The origin (and for a preflight, the method and headers) are allowed.',
  'origin-malformed':
    'The Origin header is not an origin a browser sends; refused without reflecting it.',
  'origin-not-allowed': 'The origin is well-formed but not allowed by the `origin` option.',
  'method-malformed': 'Access-Control-Request-Method is not a single method token, or is too long.',
  'method-not-allowed': 'The preflight asks for a method that the `methods` option does not allow.',
  'headers-malformed':
    'Access-Control-Request-Headers is not a comma-separated list of header names.',
  'headers-too-large': 'Access-Control-Request-Headers is over the length or count cap.',
  'header-not-allowed':
    'The preflight asks for a request header that `allowedHeaders` does not allow.',
  'private-network-not-allowed':
    'A legacy Private Network Access preflight that `allowPrivateNetwork` does not grant; answered as any allowed preflight, without Access-Control-Allow-Private-Network.',
  'cors-disabled':
    'CORS is off for the route (Fastify `cors: false`, Nest `@Cors(false)`): preflights are refused, other requests get no CORS headers.',
});
