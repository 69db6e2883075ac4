/**
 * The Fetch Standard's safelists, as a browser applies them to what a page asks `fetch()` to send:
 * which methods and request headers go without a preflight (§3.2.5), which ones the browser
 * refuses to send at all (§2.2.2), and how it normalizes a method (§2.2.1).
 */
import { normalizeMethod } from '@cors/core';

export { normalizeMethod };

/** Fetch §2.2.1: a CORS-safelisted method is `GET`, `HEAD` or `POST` (after normalization). */
export function isCorsSafelistedMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

/** Fetch §2.2.1: `CONNECT`, `TRACE` and `TRACK` (case-insensitive); `fetch()` throws on them. */
export function isForbiddenMethod(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK';
}

/** RFC 9110 token characters. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True for an HTTP token (a method or a header name). */
export function isToken(value: string): boolean {
  return TCHAR.test(value);
}

/** Fetch §2.2.2 "forbidden request-header": the core's definition, the one rule for both. */
export { isForbiddenRequestHeader } from '@cors/core';

/** Fetch §3.2.5 "CORS-unsafe request-header byte". */
function hasCorsUnsafeRequestHeaderByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (
      (c < 0x20 && c !== 0x09) ||
      c === 0x22 ||
      c === 0x28 ||
      c === 0x29 ||
      c === 0x3a ||
      c === 0x3c ||
      c === 0x3e ||
      c === 0x3f ||
      c === 0x40 ||
      c === 0x5b ||
      c === 0x5c ||
      c === 0x5d ||
      c === 0x7b ||
      c === 0x7d ||
      c === 0x7f
    )
      return true;
  }
  return false;
}

/** `Accept-Language` and `Content-Language`: only 0-9 A-Z a-z, space and `*,-.;=`. */
const LANGUAGE_VALUE = /^[0-9A-Za-z *,\-.;=]*$/;

/** The three content types a page may send without a preflight (the MIME type's essence). */
export const SAFELISTED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * The essence (`type/subtype`, lower case) of a MIME type, or `null` when it does not parse
 * (MIME Sniffing §4.4, reduced to what the essence needs: parameters are not validated).
 */
export function mimeEssence(value: string): string | null {
  const semicolon = value.indexOf(';');
  const head = (semicolon === -1 ? value : value.slice(0, semicolon)).replace(
    /^[\t\n\r ]+|[\t\n\r ]+$/g,
    '',
  );
  const slash = head.indexOf('/');
  if (slash <= 0 || slash === head.length - 1) return null;
  const type = head.slice(0, slash);
  const subtype = head.slice(slash + 1);
  if (!isToken(type) || !isToken(subtype)) return null;
  return `${type}/${subtype}`.toLowerCase();
}

/**
 * Fetch §3.2.5 "CORS-safelisted request-header": a name and value a page may send without a
 * preflight. Values over 128 bytes never are.
 *
 * `Range` is safelisted by the standard for a single `bytes=` range, but Chromium does not implement
 * that yet (a page's `Range` header still triggers a preflight there); the doctor models Chromium.
 */
export function isCorsSafelistedRequestHeader(name: string, value: string): boolean {
  if (value.length > 128) return false;
  switch (name.toLowerCase()) {
    case 'accept':
      return !hasCorsUnsafeRequestHeaderByte(value);
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_VALUE.test(value);
    case 'content-type': {
      if (hasCorsUnsafeRequestHeaderByte(value)) return false;
      const essence = mimeEssence(value);
      return essence !== null && SAFELISTED_CONTENT_TYPES.has(essence);
    }
    default:
      return false;
  }
}

/** Fetch §3.2.5 "CORS non-wildcard request-header name": `*` in `Access-Control-Allow-Headers` never covers it. */
export const NON_WILDCARD_REQUEST_HEADER = 'authorization';

/** Why a request header is CORS-unsafe, for the explanation. */
export interface UnsafeHeader {
  /** Lower-case name. */
  readonly name: string;
  /** Why it needs a preflight. */
  readonly why: 'not-safelisted' | 'value-not-safelisted' | 'value-too-long' | 'total-too-long';
}

const SAFELISTED_NAMES = new Set(['accept', 'accept-language', 'content-language', 'content-type']);

/**
 * Fetch §3.2.5 "CORS-unsafe request-header names": the names a preflight's
 * `Access-Control-Request-Headers` lists, lower case, sorted, without duplicates. When the
 * safelisted values add up to more than 1024 bytes, they all become unsafe too.
 */
export function corsUnsafeRequestHeaders(
  headers: readonly (readonly [string, string])[],
): UnsafeHeader[] {
  const unsafe = new Map<string, UnsafeHeader['why']>();
  const safelisted: string[] = [];
  let safelistValueSize = 0;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (!isCorsSafelistedRequestHeader(name, value)) {
      if (!unsafe.has(lower))
        unsafe.set(
          lower,
          !SAFELISTED_NAMES.has(lower)
            ? 'not-safelisted'
            : value.length > 128
              ? 'value-too-long'
              : 'value-not-safelisted',
        );
    } else {
      safelisted.push(lower);
      safelistValueSize += value.length;
    }
  }
  if (safelistValueSize > 1024)
    for (const name of safelisted) if (!unsafe.has(name)) unsafe.set(name, 'total-too-long');
  return [...unsafe.entries()]
    .map(([name, why]) => ({ name, why }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Fetch §2.2.6: response headers any page may read without `Access-Control-Expose-Headers`. */
export const SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/** Response headers a page can never read (Fetch §2.2.6 "forbidden response-header name"). */
export const FORBIDDEN_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
]);
