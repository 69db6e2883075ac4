/**
 * Bypass patterns: routes exempt from cross-origin protection, written `'POST /oauth/callback'` or
 * `'/saml/acs'` (any unsafe method), with `*` standing for exactly one path segment
 * (`'/tenants/*\/hooks'`).
 *
 * The rule that keeps a bypass from reaching further than its route (Go's CVE-2025-47910, golang/go
 * #75054: a pattern also exempted the paths that `ServeMux` would redirect onto it, and the redirect
 * never happened because the request was served as it was): **no normalisation**. A request is exempt
 * only when its path, exactly as received (before any decoding), is already canonical and equals the
 * pattern byte for byte. Everything a router might clean, decode, fold or redirect (`//api/hook`,
 * `/api/./hook`, `/api/hook/`, `/api/%68ook`, `/api%2Fhook`, `/API/hook`, `/api/hook.`, `\`, `;`)
 * simply does not match, and the request is checked like any other. Failing closed costs nothing
 * real: clients that send such paths are not browsers following a form, and non-browser clients pass
 * the check anyway.
 */
import { NORMALIZED_METHODS, isToken } from './tokens.js';

/** One compiled bypass: a method (or any unsafe method) and the path's segments. */
export interface BypassPattern {
  readonly source: string;
  /** The method as it must be received, or `null` for any unsafe method. */
  readonly method: string | null;
  /** The segments after the leading `/`; `null` marks a `*` segment. */
  readonly segments: readonly (string | null)[];
}

/**
 * A literal segment of a pattern: characters that no router decodes or folds differently (RFC 3986
 * unreserved and most sub-delims; no `%`, `;`, `*`, `\`).
 */
const LITERAL_SEGMENT = /^[A-Za-z0-9\-._~!$&'()+,=:@]+$/;

/**
 * What a `*` segment of a request may be: letters, digits, `-`, `_`, `~`, and dots between them. No
 * percent-encoding (it could decode to `/` or `.`), no `.`/`..` segment, no leading or trailing dot
 * (some servers strip it).
 */
const WILDCARD_SEGMENT = /^[A-Za-z0-9\-_~]+(?:\.[A-Za-z0-9\-_~]+)*$/;

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

const USAGE =
  "a bypass is an optional method and an absolute path, e.g. 'POST /oauth/callback' or '/tenants/*/hooks' (* is one path segment)";

/** Compiles one `bypass` entry. Returns the pattern, or a message saying what to write. */
export function compileBypassPattern(entry: unknown): BypassPattern | string {
  if (typeof entry !== 'string') return `must be a string; ${USAGE}.`;
  const space = entry.indexOf(' ');
  const method = space < 0 ? null : entry.slice(0, space);
  const path = space < 0 ? entry : entry.slice(space + 1);
  if (method !== null) {
    if (!isToken(method))
      return `has the method '${method}', which is not a method token; ${USAGE}.`;
    const upper = method.toUpperCase();
    if (SAFE_METHODS.has(upper)) {
      return `names ${upper}, which is never checked (GET, HEAD and OPTIONS must not change state); remove it.`;
    }
    if (upper !== method && NORMALIZED_METHODS.has(upper)) {
      return `has the method '${method}', but methods are matched case-sensitively and clients send '${upper}'; write '${upper} ${path}'.`;
    }
  }
  if (!path.startsWith('/')) return `has no absolute path; ${USAGE}.`;
  const query = path.search(/[?#]/);
  if (query >= 0) {
    return `has a query or fragment, which bypasses never match on; write '${method === null ? '' : `${method} `}${path.slice(0, query)}'.`;
  }
  if (path === '/') return Object.freeze({ source: entry, method, segments: Object.freeze([]) });
  const segments: (string | null)[] = [];
  for (const segment of path.slice(1).split('/')) {
    if (segment === '*') {
      segments.push(null);
      continue;
    }
    if (segment === '') {
      return "has an empty segment ('//' or a trailing '/'); write the path as your router receives it, without them: a bypass never matches a path a router would clean or redirect.";
    }
    if (segment === '.' || segment === '..') {
      return `has a '${segment}' segment; write the path without dot segments.`;
    }
    if (segment.startsWith(':') || segment.startsWith('{') || segment.includes('*')) {
      return `has the segment '${segment}'; a bypass has no parameters or globs: write '*' for exactly one segment, e.g. '/tenants/*/hooks'.`;
    }
    if (!LITERAL_SEGMENT.test(segment)) {
      return `has the segment '${segment}' with characters a router may decode or fold (percent-encoding, ';', '\\', white space); write it with letters, digits and -._~!$&'()+,=:@ only.`;
    }
    segments.push(segment);
  }
  return Object.freeze({ source: entry, method, segments: Object.freeze(segments) });
}

/**
 * True when a request with `method` and request-target `target` (path and query, as received) is
 * exempted by one of `patterns`. The query is ignored; the path is compared without any
 * normalisation (see the file comment).
 */
export function matchesBypass(
  patterns: readonly BypassPattern[],
  method: string,
  target: string,
): boolean {
  if (target.charCodeAt(0) !== 0x2f /* / */) return false;
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  const segments = path === '/' ? [] : path.slice(1).split('/');
  for (const pattern of patterns) {
    if (pattern.method !== null && pattern.method !== method) continue;
    if (pattern.segments.length !== segments.length) continue;
    let match = true;
    for (let i = 0; i < segments.length && match; i++) {
      const expected = pattern.segments[i];
      const actual = segments[i] as string;
      match = expected === null ? WILDCARD_SEGMENT.test(actual) : expected === actual;
    }
    if (match) return true;
  }
  return false;
}
