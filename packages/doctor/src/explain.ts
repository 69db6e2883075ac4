/**
 * `cors-doctor explain`: a page request run offline against a policy. The policy decides as the
 * server would (see `server-trace.ts`), and the doctor's browser model checks the headers that
 * decision would send, so both sides of the exchange show in one place.
 */
import type { CorsPolicy, CorsRequest } from '@cors/core';
import { corsCheck } from './cors-check.js';
import { chromiumConsoleMessage, fixFor } from './messages.js';
import { needsPreflight } from './needs-preflight.js';
import { preflightCheck } from './preflight-check.js';
import { serverTrace, type ServerTraceLine } from './server-trace.js';
import type { Finding, PageRequest, ResponseLike } from './types.js';

export interface ExplainedExchange {
  readonly kind: 'preflight' | 'actual';
  /** What the browser sends, in the core's terms. */
  readonly request: CorsRequest;
  /** The server side: the policy's decision, line by line. */
  readonly server: readonly ServerTraceLine[];
  /** The status and CORS headers the decision answers with. */
  readonly response: ResponseLike;
  /** The browser side: `undefined` when the check passes, else what Chromium says. */
  readonly browser?: Finding;
}

export interface Explanation {
  readonly allowed: boolean;
  readonly preflight: boolean;
  readonly preflightReasons: readonly string[];
  readonly exchanges: readonly ExplainedExchange[];
  readonly findings: readonly Finding[];
}

/** The response a decision produces: its status when it ends the request, else the route's (200 assumed). */
function responseOf(decision: {
  end: boolean;
  status?: number;
  headers: Readonly<Record<string, string | undefined>>;
  vary: string;
}): ResponseLike {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(decision.headers))
    if (value !== undefined) headers.push([name, value]);
  if (decision.vary !== '') headers.push(['vary', decision.vary]);
  return { status: decision.end ? (decision.status ?? 204) : 200, headers };
}

export async function explain(policy: CorsPolicy, request: PageRequest): Promise<Explanation> {
  const need = needsPreflight(request);
  const findings: Finding[] = [...need.findings];
  const exchanges: ExplainedExchange[] = [];
  const done = (allowed: boolean): Explanation => ({
    allowed,
    preflight: need.needed,
    preflightReasons: need.reasons,
    exchanges,
    findings,
  });
  if (need.refused) return done(false);
  const unsafeHeaderNames = need.unsafeHeaders.map((header) => header.name);

  if (need.needed) {
    const preflight: CorsRequest = {
      method: 'OPTIONS',
      origin: request.origin,
      requestMethod: need.method,
      ...(unsafeHeaderNames.length > 0 ? { requestHeaders: unsafeHeaderNames.join(',') } : {}),
    };
    const { decision, trace } = await serverTrace(policy, preflight);
    const response = responseOf(decision);
    const outcome = preflightCheck(response, {
      origin: request.origin,
      credentials: request.credentials,
      method: need.method,
      unsafeHeaderNames,
      headerNames: need.headers.map(([name]) => name.toLowerCase()),
    });
    const browser: Finding | undefined = outcome.failure && {
      id: outcome.failure.id,
      severity: 'error',
      message: chromiumConsoleMessage(outcome.failure, request.url, request.origin),
      fix: fixFor(outcome.failure, request.origin),
    };
    exchanges.push({
      kind: 'preflight',
      request: preflight,
      server: trace,
      response,
      ...(browser ? { browser } : {}),
    });
    if (browser) {
      findings.push(browser);
      return done(false);
    }
  }

  const actual: CorsRequest = { method: need.method, origin: request.origin };
  const { decision, trace } = await serverTrace(policy, actual);
  const response = responseOf(decision);
  const failure = corsCheck(response, request.origin, request.credentials);
  const browser: Finding | undefined = failure && {
    id: failure.id,
    severity: 'error',
    message: chromiumConsoleMessage(failure, request.url, request.origin),
    fix: fixFor(failure, request.origin),
  };
  exchanges.push({
    kind: 'actual',
    request: actual,
    server: trace,
    response,
    ...(browser ? { browser } : {}),
  });
  if (browser) findings.push(browser);
  return done(!browser);
}
