/**
 * Whether a browser sends a CORS-preflight request before the page's request (Fetch §4.1 main
 * fetch, step "request's use-CORS-preflight flag is set, or request's method is not a
 * CORS-safelisted method, or the CORS-unsafe request-header names are not empty").
 */
import {
  corsUnsafeRequestHeaders,
  isCorsSafelistedMethod,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  normalizeMethod,
  type UnsafeHeader,
} from './safelist.js';
import type { Finding, PageRequest } from './types.js';

export interface PreflightNeed {
  /** The method after Fetch's normalization: what goes on the wire and in `Access-Control-Request-Method`. */
  readonly method: string;
  /** The headers the browser actually sends (forbidden ones dropped). */
  readonly headers: readonly (readonly [string, string])[];
  /** True when a preflight is sent first. */
  readonly needed: boolean;
  /** The CORS-unsafe header names, sorted: `Access-Control-Request-Headers`. */
  readonly unsafeHeaders: readonly UnsafeHeader[];
  /** One line per reason, in the page's terms. */
  readonly reasons: readonly string[];
  /** Problems the browser raises before sending anything (forbidden method) or silently fixes (dropped headers). */
  readonly findings: readonly Finding[];
  /** `fetch()` throws before sending anything (a forbidden or malformed method). */
  readonly refused: boolean;
}

const WHY: Record<UnsafeHeader['why'], string> = {
  'not-safelisted': 'is not a CORS-safelisted request header',
  'value-not-safelisted': 'has a value outside the safelist',
  'value-too-long': 'has a value over 128 bytes',
  'total-too-long': 'is safelisted, but the safelisted values add up to more than 1024 bytes',
};

export function needsPreflight(request: PageRequest): PreflightNeed {
  const findings: Finding[] = [];
  const reasons: string[] = [];
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(request.method) || isForbiddenMethod(request.method)) {
    findings.push({
      id: 'forbidden-method',
      severity: 'error',
      message: `fetch() throws TypeError: '${request.method}' is ${
        isForbiddenMethod(request.method)
          ? 'an unsupported (forbidden) method'
          : 'not a valid HTTP method'
      }; nothing is sent.`,
      fix: 'Use another method: browsers never send CONNECT, TRACE or TRACK.',
    });
    return {
      method: request.method,
      headers: [],
      needed: false,
      unsafeHeaders: [],
      reasons: [],
      findings,
      refused: true,
    };
  }
  const method = normalizeMethod(request.method);
  const headers: (readonly [string, string])[] = [];
  for (const [name, value] of request.headers) {
    if (isForbiddenRequestHeader(name, value)) {
      findings.push({
        id: 'forbidden-request-header',
        severity: 'warning',
        message: `The browser does not send '${name}': it is a forbidden request header, dropped from fetch() without an error.`,
        fix: `Remove '${name}' from the page's request; the browser sets it itself or never lets a page set it.`,
      });
      continue;
    }
    headers.push([name, value]);
  }
  if (method !== request.method)
    reasons.push(`fetch() normalizes the method '${request.method}' to '${method}'.`);
  else if (method !== method.toUpperCase() && !isForbiddenMethod(method))
    reasons.push(
      `The method '${method}' stays as written: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.`,
    );
  let needed = false;
  if (!isCorsSafelistedMethod(method)) {
    needed = true;
    reasons.push(`The method ${method} is not GET, HEAD or POST: it needs a preflight.`);
  }
  const unsafeHeaders = corsUnsafeRequestHeaders(headers);
  for (const header of unsafeHeaders) {
    needed = true;
    const contentType =
      header.name === 'content-type' && header.why === 'value-not-safelisted'
        ? headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
        : undefined;
    reasons.push(
      contentType !== undefined
        ? `Content-Type '${contentType}' is not application/x-www-form-urlencoded, multipart/form-data or text/plain: it needs a preflight.`
        : `The header '${header.name}' ${WHY[header.why]}: it needs a preflight.`,
    );
  }
  if (!needed)
    reasons.push(
      'No preflight: the method is GET, HEAD or POST and every header is CORS-safelisted.',
    );
  return { method, headers, needed, unsafeHeaders, reasons, findings, refused: false };
}
