/**
 * The I/O: sends what the browser would send, in the order it would, and hands each answer to the
 * pure checks. Node's global fetch (undici) sends `Origin` and `Access-Control-Request-*` as given;
 * redirects are never followed silently (`redirect: 'manual'`, each hop is a step), and every
 * exchange has a timeout.
 */
import { corsCheck, getHeader, readableResponseHeaders } from './cors-check.js';
import { chromiumConsoleMessage, fixFor, type CorsFailure } from './messages.js';
import { needsPreflight } from './needs-preflight.js';
import {
  CHROMIUM_MAX_AGE_CAP,
  DEFAULT_MAX_AGE,
  FIREFOX_MAX_AGE_CAP,
  isRedirect,
  preflightCheck,
} from './preflight-check.js';
import type { Finding, PageRequest, Report, ResponseLike, Step } from './types.js';

export interface ProbeOptions {
  /** Milliseconds per exchange before the probe gives up (exit code 2). @default 10000 */
  readonly timeoutMs?: number;
  /** Send the preflight only, never the actual request (for endpoints where sending it has effects). */
  readonly preflightOnly?: boolean;
  /** Redirect hops of the actual request to follow, each shown as a step. @default 5 */
  readonly maxRedirects?: number;
}

/** One request on the wire, its answer's status and header lines; the body is discarded. */
export async function exchange(
  method: string,
  url: string,
  headers: readonly (readonly [string, string])[],
  timeoutMs: number,
  kind: Step['kind'],
): Promise<Step> {
  const started = performance.now();
  const request = { method, url, headers };
  try {
    const response = await fetch(url, {
      method,
      headers: [...headers.map(([name, value]) => [name, value] as [string, string])],
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Only the header block matters; do not download a body.
    await response.body?.cancel().catch(() => undefined);
    const lines: [string, string][] = [];
    for (const [name, value] of response.headers) {
      if (name === 'set-cookie') continue;
      lines.push([name, value]);
    }
    for (const cookie of response.headers.getSetCookie()) lines.push(['set-cookie', cookie]);
    return {
      kind,
      request,
      response: { status: response.status, headers: lines },
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    const message =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : cause?.code
          ? `${cause.code}${cause.message ? `: ${cause.message}` : ''}`
          : String((error as Error).message ?? error);
    return { kind, request, error: message, durationMs: Math.round(performance.now() - started) };
  }
}

function blocked(failure: CorsFailure, url: string, origin: string, request: PageRequest): Finding {
  return {
    id: failure.id,
    severity: 'error',
    message: chromiumConsoleMessage(failure, url, request.origin, request.url),
    fix: fixFor(failure, origin),
  };
}

function asResponse(step: Step): ResponseLike {
  return step.response as ResponseLike;
}

/** Fetch §4.4 "HTTP-redirect fetch": the method a 301/302 (after POST) or 303 turns into. */
function redirectedMethod(status: number, method: string): string {
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  if (status === 303 && method !== 'GET' && method !== 'HEAD') return 'GET';
  return method;
}

const REQUEST_BODY_HEADERS = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
]);

function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * What the browser does with `request`: whether it preflights, what it sends and receives, and
 * whether the page may read the response. Never throws for a network problem: that is `probeError`.
 */
export async function diagnose(request: PageRequest, options: ProbeOptions = {}): Promise<Report> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const first = needsPreflight(request);
  const steps: Step[] = [];
  const findings: Finding[] = [...first.findings];
  const report = (allowed: boolean, probeError?: string): Report => ({
    allowed,
    preflight: first.needed,
    preflightReasons: first.reasons,
    request,
    steps,
    findings,
    ...(probeError === undefined ? {} : { probeError }),
  });
  if (first.refused) return report(false);

  let url = request.url;
  let origin = request.origin;
  let method = first.method;
  let headers = first.headers;
  for (let hop = 0; ; hop++) {
    const need = hop === 0 ? first : needsPreflight({ ...request, url, origin, method, headers });
    if (need.needed) {
      const acrh = need.unsafeHeaders.map((header) => header.name).join(',');
      const preflightHeaders: [string, string][] = [
        ['Origin', origin],
        ['Access-Control-Request-Method', need.method],
      ];
      if (acrh !== '') preflightHeaders.push(['Access-Control-Request-Headers', acrh]);
      const step = await exchange('OPTIONS', url, preflightHeaders, timeoutMs, 'preflight');
      steps.push(step);
      if (step.error !== undefined) return report(false, `preflight to ${url}: ${step.error}`);
      const outcome = preflightCheck(asResponse(step), {
        origin,
        credentials: request.credentials,
        method: need.method,
        unsafeHeaderNames: need.unsafeHeaders.map((header) => header.name),
        headerNames: need.headers.map(([name]) => name.toLowerCase()),
      });
      if (outcome.failure) {
        findings.push(blocked(outcome.failure, url, origin, request));
        findings.push({
          id: 'actual-not-sent',
          severity: 'info',
          message: `The browser does not send the ${need.method} request: its preflight failed.`,
        });
        return report(false);
      }
      const maxAge = outcome.maxAge;
      if (maxAge) findings.push(maxAgeFinding(maxAge.header, maxAge.chromium, maxAge.firefox));
    }
    if (options.preflightOnly) {
      findings.push({
        id: 'actual-not-sent',
        severity: 'info',
        message: need.needed
          ? `--preflight-only: the preflight passes; the ${need.method} request itself was not sent, so its CORS check is not known.`
          : `--preflight-only: no preflight is needed and the ${need.method} request was not sent.`,
      });
      // The verdict rests on the preflight alone: allowed only when one was needed and passed.
      return report(need.needed, need.needed ? undefined : 'nothing sent (--preflight-only)');
    }
    const actualHeaders: (readonly [string, string])[] = [['Origin', origin], ...need.headers];
    const step = await exchange(
      need.method,
      url,
      actualHeaders,
      timeoutMs,
      hop === 0 ? 'actual' : 'redirect',
    );
    steps.push(step);
    if (step.error !== undefined) return report(false, `${need.method} ${url}: ${step.error}`);
    const response = asResponse(step);
    // Fetch §4.6 "HTTP fetch": the CORS check runs on every response of a CORS request, a
    // redirect included, before the redirect is followed.
    const failure = corsCheck(response, origin, request.credentials);
    if (failure) {
      findings.push(blocked(failure, url, origin, request));
      return report(false);
    }
    if (isRedirect(response)) {
      const location = new URL(getHeader(response.headers, 'location') as string, url).href;
      if (hop >= maxRedirects) {
        findings.push({
          id: 'redirect-not-followed',
          severity: 'warning',
          message: `${url} redirects (${response.status}) to ${location}; the doctor stopped after ${maxRedirects} hops.`,
          fix: 'Call the final URL from the page.',
        });
        return report(false, `more than ${maxRedirects} redirects`);
      }
      // Fetch §4.4: a cross-origin hop from a cross-origin request taints the origin: `Origin: null`.
      const nextOrigin =
        origin !== 'null' &&
        originOf(location) !== originOf(url) &&
        originOf(location) !== request.origin
          ? 'null'
          : origin;
      findings.push({
        id: 'redirect',
        severity: 'warning',
        message: `${url} redirects (${response.status}) to ${location}; the browser follows it${
          nextOrigin !== origin ? " and sends 'Origin: null' from there on" : ''
        }.`,
        fix: 'Call the final URL from the page: each hop costs a round trip and must pass the CORS check.',
      });
      const nextMethod = redirectedMethod(response.status, method);
      if (nextMethod !== method)
        headers = headers.filter(([name]) => !REQUEST_BODY_HEADERS.has(name.toLowerCase()));
      method = nextMethod;
      url = location;
      origin = nextOrigin;
      continue;
    }
    findings.push(...afterSuccess(response, request, origin));
    return report(true);
  }
}

function maxAgeFinding(header: string | null, chromium: number, firefox: number): Finding {
  if (header === null)
    return {
      id: 'max-age-default',
      severity: 'info',
      message: `No Access-Control-Max-Age: browsers keep this preflight answer ${DEFAULT_MAX_AGE} seconds, so most requests pay a preflight round trip.`,
      fix: 'Send Access-Control-Max-Age (for instance 600) to cache the answer.',
    };
  const seconds = Number(header);
  if (!/^\d+$/.test(header))
    return {
      id: 'max-age-invalid',
      severity: 'warning',
      message: `Access-Control-Max-Age '${header}' is not a whole number of seconds: browsers use ${DEFAULT_MAX_AGE} seconds.`,
      fix: 'Send a non-negative integer.',
    };
  if (seconds > CHROMIUM_MAX_AGE_CAP)
    return {
      id: 'max-age-capped',
      severity: 'info',
      message: `Access-Control-Max-Age: ${header} is above what browsers honour: Chromium keeps the answer ${chromium} s (cap ${CHROMIUM_MAX_AGE_CAP}), Firefox ${firefox} s (cap ${FIREFOX_MAX_AGE_CAP}).`,
      fix: `Send at most ${CHROMIUM_MAX_AGE_CAP} if you count on it.`,
    };
  return {
    id: 'max-age',
    severity: 'info',
    message: `Browsers keep this preflight answer ${chromium} s (Access-Control-Max-Age: ${header}).`,
  };
}

/** Notes on a response the page can read: headers it still cannot see, `Vary` for shared caches. */
function afterSuccess(response: ResponseLike, request: PageRequest, origin: string): Finding[] {
  const findings: Finding[] = [];
  const { hidden } = readableResponseHeaders(response, request.credentials);
  const hiddenCustom = hidden.filter(
    (name) =>
      !['connection', 'keep-alive', 'date', 'vary', 'transfer-encoding', 'server'].includes(name) &&
      !name.startsWith('access-control-'),
  );
  if (hiddenCustom.length > 0)
    findings.push({
      id: 'headers-not-exposed',
      severity: 'info',
      message: `The page cannot read these response headers: ${hiddenCustom.join(', ')}.`,
      fix: `List the ones the page needs in Access-Control-Expose-Headers${request.credentials ? " (by name: '*' is literal with credentials)" : ''}.`,
    });
  const allowOrigin = getHeader(response.headers, 'access-control-allow-origin');
  const vary = (getHeader(response.headers, 'vary') ?? '').toLowerCase();
  const varies = vary.split(',').some((token) => ['origin', '*'].includes(token.trim()));
  if (allowOrigin === origin && origin !== '*' && !varies)
    findings.push({
      id: 'vary-origin-missing',
      severity: 'warning',
      message: `The response names the origin in Access-Control-Allow-Origin but has no 'Vary: Origin': a shared cache may serve it to another origin, which the browser then blocks.`,
      fix: "Add 'Vary: Origin' to every response whose CORS headers depend on Origin.",
    });
  return findings;
}
