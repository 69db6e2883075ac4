/**
 * The CORS check (Fetch §4.10), in the order Chromium runs it (`network::cors::CheckAccess`), so
 * that the failure named is the one the console shows.
 */
import type { CorsFailure } from './messages.js';
import { FORBIDDEN_RESPONSE_HEADERS, SAFELISTED_RESPONSE_HEADERS } from './safelist.js';
import type { ResponseLike } from './types.js';

/**
 * A header's value as a browser reads it: repeated lines joined with `, ` (Fetch "get", and
 * Chromium's normalized header), or `null` when absent.
 */
export function getHeader(
  headers: readonly (readonly [string, string])[],
  name: string,
): string | null {
  const lower = name.toLowerCase();
  let value: string | null = null;
  for (const [key, line] of headers)
    if (key.toLowerCase() === lower) value = value === null ? line : `${value}, ${line}`;
  return value;
}

/** How many header lines of that name the response has. */
export function countHeader(headers: readonly (readonly [string, string])[], name: string): number {
  const lower = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() === lower).length;
}

function parsesAsUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fetch §4.10 "CORS check": `undefined` when the response may be shared with `origin`, else the
 * failure Chromium reports.
 *
 * 1. `Access-Control-Allow-Origin: *` passes unless the request carries credentials.
 * 2. Otherwise the header must be present and equal, byte for byte, to the serialized origin
 *    (Chromium then names why it is not: several values, an invalid value, or another origin).
 * 3. With credentials, `Access-Control-Allow-Credentials` must be exactly `true`.
 */
export function corsCheck(
  response: ResponseLike,
  origin: string,
  credentials: boolean,
  preflight = false,
): CorsFailure | undefined {
  const allowOrigin = getHeader(response.headers, 'access-control-allow-origin');
  const fail = (id: CorsFailure['id'], hint?: string): CorsFailure =>
    hint === undefined ? { id, preflight } : { id, hint, preflight };
  if (allowOrigin === '*') {
    if (!credentials) return undefined;
    return fail('wildcard-origin-not-allowed');
  }
  if (allowOrigin === null) return fail('missing-allow-origin');
  if (allowOrigin !== origin) {
    if (/[ ,]/.test(allowOrigin)) return fail('multiple-allow-origin-values', allowOrigin);
    if (allowOrigin === 'null') return fail('allow-origin-mismatch', allowOrigin);
    if (!parsesAsUrl(allowOrigin)) return fail('invalid-allow-origin-value', allowOrigin);
    return fail('allow-origin-mismatch', allowOrigin);
  }
  if (credentials) {
    const allowCredentials = getHeader(response.headers, 'access-control-allow-credentials');
    if (allowCredentials !== 'true')
      return fail('invalid-allow-credentials', allowCredentials ?? '');
  }
  return undefined;
}

/**
 * The response headers a page can read after a successful CORS check (Fetch §3.2.6 and "CORS
 * filtered response"): the safelisted ones, plus those `Access-Control-Expose-Headers` names; its
 * `*` means "all" only without credentials. `Set-Cookie` is never readable.
 */
export function readableResponseHeaders(
  response: ResponseLike,
  credentials: boolean,
): { readable: string[]; hidden: string[] } {
  const exposeValue = getHeader(response.headers, 'access-control-expose-headers') ?? '';
  const exposed = new Set(
    exposeValue
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== ''),
  );
  const all = !credentials && exposed.has('*');
  const readable: string[] = [];
  const hidden: string[] = [];
  for (const name of new Set(response.headers.map(([key]) => key.toLowerCase()))) {
    if (FORBIDDEN_RESPONSE_HEADERS.has(name)) hidden.push(name);
    else if (SAFELISTED_RESPONSE_HEADERS.has(name) || all || exposed.has(name)) readable.push(name);
    else hidden.push(name);
  }
  return { readable, hidden };
}
