/**
 * The CORS-preflight fetch's checks on the answer (Fetch §4.8) and what the preflight cache keeps
 * (§4.9), in Chromium's order: a redirect fails first, then the CORS check, then the status, then
 * parsing `Access-Control-Allow-Methods` and `-Headers`, then the method, then the headers.
 */
import { corsCheck, getHeader } from './cors-check.js';
import type { CorsFailure } from './messages.js';
import { isCorsSafelistedMethod, isToken, NON_WILDCARD_REQUEST_HEADER } from './safelist.js';
import type { ResponseLike } from './types.js';

/** Chromium keeps a preflight answer at most 2 hours (`kMaxTimeout` in preflight_result.cc). */
export const CHROMIUM_MAX_AGE_CAP = 7200;
/** Firefox keeps one at most 24 hours. */
export const FIREFOX_MAX_AGE_CAP = 86400;
/** Without `Access-Control-Max-Age`, browsers keep a preflight answer 5 seconds. */
export const DEFAULT_MAX_AGE = 5;

/** 301, 302, 303, 307 and 308 with a `Location` are redirects a fetch would follow. */
export function isRedirect(response: ResponseLike): boolean {
  return (
    [301, 302, 303, 307, 308].includes(response.status) &&
    getHeader(response.headers, 'location') !== null
  );
}

/**
 * Fetch's "extract header list values" for `Access-Control-Allow-Methods` and `-Headers`, as
 * Chromium does it: comma-separated, white space trimmed, empty items skipped, every item a token;
 * `null` when an item is not (the whole header then fails to parse).
 */
export function parseAllowList(value: string | null): string[] | null {
  if (value === null) return [];
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (item === '') continue;
    if (!isToken(item)) return null;
    items.push(item);
  }
  return items;
}

export interface PreflightOutcome {
  /** Absent when the preflight passed. */
  readonly failure?: CorsFailure;
  /** The cache lifetime a browser gives the answer, when it passed. */
  readonly maxAge?: {
    /** The header as received, or `null`. */
    readonly header: string | null;
    readonly chromium: number;
    readonly firefox: number;
  };
}

/** What a preflight asks: the actual request's method and its CORS-unsafe header names. */
export interface PreflightAsk {
  readonly origin: string;
  readonly credentials: boolean;
  /** The normalized method (`Access-Control-Request-Method`). */
  readonly method: string;
  /** The CORS-unsafe request-header names, lower case, sorted (`Access-Control-Request-Headers`). */
  readonly unsafeHeaderNames: readonly string[];
  /** Every header name the actual request carries, lower case (for the `Authorization` rule). */
  readonly headerNames: readonly string[];
}

function maxAgeOf(value: string | null): PreflightOutcome['maxAge'] {
  // Chromium parses a whole non-negative integer; anything else falls back to the default.
  const seconds = value !== null && /^\d+$/.test(value) ? Number(value) : null;
  return {
    header: value,
    chromium: seconds === null ? DEFAULT_MAX_AGE : Math.min(seconds, CHROMIUM_MAX_AGE_CAP),
    firefox: seconds === null ? DEFAULT_MAX_AGE : Math.min(seconds, FIREFOX_MAX_AGE_CAP),
  };
}

export function preflightCheck(response: ResponseLike, ask: PreflightAsk): PreflightOutcome {
  if (isRedirect(response))
    return { failure: { id: 'preflight-disallowed-redirect', preflight: true } };
  const cors = corsCheck(response, ask.origin, ask.credentials, true);
  if (cors) return { failure: cors };
  if (response.status < 200 || response.status > 299)
    return { failure: { id: 'preflight-invalid-status', preflight: true } };
  const methods = parseAllowList(getHeader(response.headers, 'access-control-allow-methods'));
  if (methods === null) return { failure: { id: 'invalid-allow-methods', preflight: true } };
  const headerList = parseAllowList(getHeader(response.headers, 'access-control-allow-headers'));
  if (headerList === null) return { failure: { id: 'invalid-allow-headers', preflight: true } };

  // §4.8 step 7.5: the method must be listed byte for byte (after fetch's normalization), be
  // safelisted, or be covered by a literal `*` when no credentials are involved.
  const methodCovered =
    methods.includes(ask.method) ||
    isCorsSafelistedMethod(ask.method) ||
    (!ask.credentials && methods.includes('*'));
  if (!methodCovered)
    return { failure: { id: 'method-disallowed', hint: ask.method, preflight: true } };

  // §4.8 step 7.6–7.7: header names compare case-insensitively; `*` covers every name but
  // `Authorization`, and only without credentials.
  const allowed = new Set(headerList.map((name) => name.toLowerCase()));
  if (!ask.credentials && allowed.has('*')) {
    if (
      ask.headerNames.includes(NON_WILDCARD_REQUEST_HEADER) &&
      !allowed.has(NON_WILDCARD_REQUEST_HEADER)
    )
      return {
        failure: { id: 'header-disallowed', hint: NON_WILDCARD_REQUEST_HEADER, preflight: true },
      };
  } else {
    for (const name of ask.unsafeHeaderNames)
      if (!allowed.has(name))
        return { failure: { id: 'header-disallowed', hint: name, preflight: true } };
  }
  return { maxAge: maxAgeOf(getHeader(response.headers, 'access-control-max-age')) };
}
