/**
 * HTTP tokens (RFC 9110 §5.6.2), as the Fetch Standard uses them for methods and header names.
 * A lookup table keeps the checks branch-light on the hot path.
 */

const TCHAR = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1; // DIGIT
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1; // upper ALPHA
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1; // lower ALPHA
  for (const ch of "!#$%&'*+-.^_`|~") table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** True when `code` is a tchar. */
export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** True when `value` is a non-empty token (a valid method or header name). */
export function isToken(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    if (!isTchar(value.charCodeAt(i))) return false;
  }
  return true;
}

/** Methods the Fetch Standard treats as CORS-safelisted: they never need listing. */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/** Methods the Fetch Standard upper-cases when a page writes them in any case ("normalize"). */
export const NORMALIZED_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
]);

/** Methods a browser refuses to send (Fetch "forbidden method"); listing them is a mistake. */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Fetch §2.2.2 "forbidden request-header": names a page cannot set, which the browser sets itself
 * and so never lists in `Access-Control-Request-Headers`. Lower case.
 */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** The method-override headers that are forbidden when they name a forbidden method. */
const METHOD_OVERRIDE_HEADERS: ReadonlySet<string> = new Set([
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
]);

/**
 * Fetch §2.2.2 "forbidden request-header": a page cannot set it (the browser drops it from a
 * `fetch()` without an error, and sets some of these itself), so it never appears in
 * `Access-Control-Request-Headers`. The name in any case, `proxy-*` and `sec-*` included; a
 * method-override header is forbidden when its `value` names a forbidden method.
 *
 * @example isForbiddenRequestHeader('Cookie') // true
 * @example isForbiddenRequestHeader('X-HTTP-Method-Override', 'TRACE') // true
 */
export function isForbiddenRequestHeader(name: string, value?: string): boolean {
  const lower = name.toLowerCase();
  if (
    FORBIDDEN_REQUEST_HEADERS.has(lower) ||
    lower.startsWith('proxy-') ||
    lower.startsWith('sec-')
  )
    return true;
  if (value === undefined || !METHOD_OVERRIDE_HEADERS.has(lower)) return false;
  return value.split(',').some((item) => FORBIDDEN_METHODS.has(item.trim().toUpperCase()));
}

/** Upper bound on the length of `Access-Control-Request-Method`; longer values are refused. */
export const MAX_REQUEST_METHOD_LENGTH = 64;

/**
 * Upper bounds for `Access-Control-Request-Headers`. Browsers list only the non-safelisted names a
 * page set, so real values are short; the caps keep a hostile value's cost constant.
 */
export const MAX_REQUEST_HEADERS_LENGTH = 4096;
export const MAX_REQUEST_HEADERS_COUNT = 64;

/** Splits a comma-separated option value such as `'GET, POST'` into trimmed, non-empty parts. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** The outcome of reading `Access-Control-Request-Headers`. */
export type RequestHeadersParse =
  | { readonly ok: true; readonly names: readonly string[]; readonly canonical: boolean }
  | { readonly ok: false; readonly problem: 'malformed' | 'too-large' };

const TOO_LARGE: RequestHeadersParse = Object.freeze({ ok: false, problem: 'too-large' });
const MALFORMED: RequestHeadersParse = Object.freeze({ ok: false, problem: 'malformed' });

/**
 * Parses a non-empty `Access-Control-Request-Headers` into lower-case names in one pass.
 *
 * Browsers send the names lower-cased, sorted and joined by `,` without spaces (Fetch, "CORS-unsafe
 * request-header names"); other clients may add optional white space around commas, which is
 * accepted. An empty element, a non-token character, or a value over the caps is refused, so an
 * invalid name is never reflected. `canonical` is true when the value was already in the browser's
 * form, so it can be echoed as is without building a new string.
 */
export function parseRequestHeaders(value: string): RequestHeadersParse {
  const length = value.length;
  if (length > MAX_REQUEST_HEADERS_LENGTH) return TOO_LARGE;
  const names: string[] = [];
  let canonical = true;
  let i = 0;
  while (i <= length) {
    // Skip leading optional white space.
    while (i < length && isOws(value.charCodeAt(i))) {
      canonical = false;
      i++;
    }
    const start = i;
    let hasUpper = false;
    while (i < length) {
      const code = value.charCodeAt(i);
      if (code === 0x2c || isOws(code)) break;
      if (!isTchar(code)) return MALFORMED;
      if (code >= 0x41 && code <= 0x5a) hasUpper = true;
      i++;
    }
    const end = i;
    while (i < length && isOws(value.charCodeAt(i))) {
      canonical = false;
      i++;
    }
    if (end === start) return MALFORMED; // empty element, e.g. "a,,b" or a trailing comma
    if (i < length && value.charCodeAt(i) !== 0x2c) return MALFORMED; // white space inside a name
    if (names.length === MAX_REQUEST_HEADERS_COUNT) return TOO_LARGE;
    let name = value.slice(start, end);
    if (hasUpper) {
      name = name.toLowerCase();
      canonical = false;
    }
    names.push(name);
    i++; // past the comma (or past the end)
  }
  return { ok: true, names, canonical };
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
