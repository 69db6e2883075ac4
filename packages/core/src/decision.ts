/**
 * The CORS decision as the Fetch Standard's steps, one small function each, with no kept state:
 *
 * 1. classify the request (§3.2.2 "HTTP requests": CORS request, CORS-preflight request);
 * 2. check the origin (§4.10 "CORS check": is it one the server allows?);
 * 3. decide on credentials (§3.2.5 "CORS protocol and credentials");
 * 4. for a preflight: the requested method and the requested headers (§4.8 "CORS-preflight
 *    fetch"), and the legacy Private Network Access grant;
 * 5. the response headers (§3.2.3 "HTTP responses") and `Vary` (§3.2 "CORS protocol and HTTP
 *    caches").
 *
 * `decideCors` chains them; memo.ts keeps answers around the same steps, and explain.ts records
 * each step's outcome by passing a {@link CorsTrace}. Nothing here depends on a previous request.
 */
import { corsRequestKind, normalizeMethod, type CorsRequestKind } from './classify.js';
import { CorsError, describeValue } from './errors.js';
import { matchesPattern, type OriginMatcher } from './origin-config.js';
import { newOriginScan, scanOrigin, type OriginScan } from './origin.js';
import {
  MAX_REQUEST_METHOD_LENGTH,
  SAFELISTED_METHODS,
  isToken,
  parseRequestHeaders,
} from './tokens.js';
import type {
  CorsDecision,
  CorsReason,
  CorsRequest,
  CredentialsFunction,
  NormalizedCorsOptions,
  OriginFunction,
} from './types.js';

/** What `createCorsPolicy` hands over: the options, and the compiled origin matcher. */
export interface CompiledPolicy {
  readonly options: NormalizedCorsOptions;
  readonly wildcard: boolean;
  readonly matcher: OriginMatcher | null;
}

/**
 * Status of a preflight refused because of its origin. The browser reports the missing
 * `Access-Control-Allow-Origin` first whatever the status, and 403 tells logs and non-browser
 * clients the truth. Preflights refused for their method or headers get an ok status and
 * `Access-Control-Allow-Origin`, so that the browser's message names the method or header at fault.
 */
export const DENIED_ORIGIN_PREFLIGHT_STATUS = 403;

/** One step of a decision, as {@link explainCorsDecision} reports it. */
export interface CorsTraceStep {
  readonly step:
    'classify' | 'origin' | 'credentials' | 'method' | 'headers' | 'private-network' | 'response';
  /** What the step found, e.g. `preflight`, `allowed`, `not-allowed`, `granted`. */
  readonly outcome: string;
  /** In words, naming the value and the option involved. */
  readonly detail: string;
  /** Where the rule comes from, e.g. `Fetch §4.8`. */
  readonly spec: string;
}

/** Where the steps record what they did; `undefined` on the hot path. */
export type CorsTrace = CorsTraceStep[] | undefined;

type Headers = Record<string, string>;
const EMPTY_HEADERS: Readonly<Headers> = Object.freeze({});

/** Everything the steps need, precomputed once per policy. */
export interface DecisionRules {
  readonly matcher: OriginMatcher | null;
  readonly wildcard: boolean;
  readonly credentialsFunction: CredentialsFunction | null;
  readonly staticCredentials: boolean;
  readonly methodsWildcard: boolean;
  readonly allowedMethods: ReadonlySet<string>;
  readonly reflectHeaders: boolean;
  readonly headersWildcard: boolean;
  readonly allowedHeaderSet: ReadonlySet<string>;
  readonly allowHeadersValue: string;
  readonly exposeHeadersValue: string | null;
  readonly maxAgeValue: string | null;
  readonly preflightEnds: boolean;
  readonly preflightStatus: number | undefined;
  readonly optionsSuccessStatus: number;
  readonly allowPrivateNetwork: boolean;
  readonly actualVary: string;
  readonly preflightVary: string;
  readonly notCors: CorsDecision;
  readonly notCorsOptions: CorsDecision;
  readonly wildcardActual: CorsDecision;
  readonly wildcardOptionsActual: CorsDecision;
  /** Scratch space for the origin scanner: the steps are synchronous up to the origin functions. */
  readonly scan: OriginScan;
}

/**
 * Every decision is built here: the same eight keys in the same order (`message` and `status`
 * `undefined` where they do not apply), frozen (kept decisions are handed to every later request:
 * nobody may change them). One hidden class for every kind of decision keeps
 * the adapters' hot paths monomorphic in a server's mixed traffic: with four shapes, frozen and not,
 * V8 deoptimized them, and a refusal after allowed requests and preflights cost up to 3× more.
 */
export function corsDecision(
  kind: CorsDecision['kind'],
  allowed: boolean,
  reason: CorsReason,
  message: string | undefined,
  headers: Readonly<Headers>,
  vary: string,
  end: boolean,
  status: number | undefined,
): CorsDecision {
  Object.freeze(headers);
  return Object.freeze({ kind, allowed, reason, message, headers, vary, end, status });
}

export function compileDecisionRules(policy: CompiledPolicy): DecisionRules {
  const { options, wildcard, matcher } = policy;
  const credentials = options.credentials;
  const allowedHeaderList = options.allowedHeaders === 'reflect' ? [] : options.allowedHeaders;
  const exposeHeadersValue =
    options.exposedHeaders.length > 0 ? options.exposedHeaders.join(',') : null;
  const preflightEnds = !options.preflightContinue;

  // Vary: an answer that depends on Origin varies on it, allowed or not, with or without Origin; a
  // static '*' does not. OPTIONS answers also depend on the preflight request headers.
  const actualVary = wildcard ? '' : 'Origin';
  const preflightVary =
    (wildcard ? '' : 'Origin, ') +
    'Access-Control-Request-Method, Access-Control-Request-Headers' +
    (options.allowPrivateNetwork ? ', Access-Control-Request-Private-Network' : '');

  // A static '*' answers every request the same way, so its answer does not vary on Origin even
  // when Origin is absent (a shared cache may serve it to a cross-origin request later).
  const wildcardHeaders: Headers = { 'access-control-allow-origin': '*' };
  if (exposeHeadersValue !== null)
    wildcardHeaders['access-control-expose-headers'] = exposeHeadersValue;
  Object.freeze(wildcardHeaders);
  const notCors = (vary: string, headers: Readonly<Headers>) =>
    corsDecision('not-cors', true, 'no-origin', undefined, headers, vary, false, undefined);
  const wildcardActual = (vary: string) =>
    corsDecision('actual', true, 'allowed', undefined, wildcardHeaders, vary, false, undefined);

  return {
    matcher,
    wildcard,
    credentialsFunction: typeof credentials === 'function' ? credentials : null,
    staticCredentials: credentials === true,
    methodsWildcard: options.methods === '*',
    allowedMethods: new Set(options.methods === '*' ? [] : options.methods),
    reflectHeaders: options.allowedHeaders === 'reflect',
    headersWildcard: allowedHeaderList.includes('*'),
    allowedHeaderSet: new Set(allowedHeaderList),
    allowHeadersValue: allowedHeaderList.join(','),
    exposeHeadersValue,
    maxAgeValue: options.maxAge === undefined ? null : String(options.maxAge),
    preflightEnds,
    preflightStatus: preflightEnds ? options.optionsSuccessStatus : undefined,
    optionsSuccessStatus: options.optionsSuccessStatus,
    allowPrivateNetwork: options.allowPrivateNetwork,
    actualVary,
    preflightVary,
    notCors: notCors(actualVary, wildcard ? wildcardHeaders : EMPTY_HEADERS),
    notCorsOptions: notCors(preflightVary, EMPTY_HEADERS),
    wildcardActual: wildcardActual(actualVary),
    wildcardOptionsActual: wildcardActual(preflightVary),
    scan: newOriginScan(),
  };
}

/**
 * A request value shown in a message: bounded and escaped, never raw. Printable ASCII without
 * quotes or backslashes (every origin a browser sends) is quoted as is, which is what
 * JSON.stringify would give, without its cost on the refusal path.
 */
export function show(value: string): string {
  if (value.length > 100) return describeValue(value, 100);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c)
      return describeValue(value, 100);
  }
  return `"${value}"`;
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function record(
  trace: CorsTrace,
  step: CorsTraceStep['step'],
  outcome: string,
  detail: string,
  spec: string,
): void {
  trace?.push({ step, outcome, detail, spec });
}

// ---------------------------------------------------------------------------------------------
// 1. Classification (Fetch §3.2.2)

/** Fetch §3.2.2: a CORS request carries `Origin`; a preflight is `OPTIONS` with `Access-Control-Request-Method`. */
export function classify(request: CorsRequest, trace: CorsTrace): CorsRequestKind {
  const kind = corsRequestKind(request);
  if (trace !== undefined) {
    record(
      trace,
      'classify',
      kind,
      kind === 'not-cors'
        ? 'No Origin header: not a CORS request, CORS adds nothing.'
        : kind === 'preflight'
          ? `OPTIONS with Origin and Access-Control-Request-Method ${show(request.requestMethod as string)}: a CORS-preflight request.`
          : `${show(request.method)} with Origin: an actual CORS request (it reaches the route).`,
      'Fetch §3.2.2',
    );
  }
  return kind;
}

// ---------------------------------------------------------------------------------------------
// 2. The origin (Fetch §4.10 "CORS check", against the `origin` option)

/** The origin is listed, or matched by a pattern or RegExp. */
export const ALLOWED = 0;
export const NOT_ALLOWED = 1;
export const MALFORMED = 2;
/** Allowed by an `origin` function: the answer may change between requests, so it is never kept. */
export const ALLOWED_BY_FUNCTION = 3;
/** How the `origin` option judged an origin. */
export type OriginVerdict =
  typeof ALLOWED | typeof NOT_ALLOWED | typeof MALFORMED | typeof ALLOWED_BY_FUNCTION;

/** Error code of an `origin` or `credentials` function that returned something other than a boolean. */
export const ERR_CORS_FUNCTION_RESULT = 'ERR_CORS_FUNCTION_RESULT';

/** A function option broke its contract: returns true or false, or a promise of one. */
export function functionResultError(
  option: 'origin' | 'credentials',
  fn: OriginFunction | CredentialsFunction,
  origin: string,
  result: unknown,
): CorsError {
  const name = `The \`${option}\` function ${fn.name ? `${fn.name} ` : ''}`;
  let fix: string;
  if (result === origin) {
    fix = `returned the origin string (the Hono and @koa/cors style); @cors/core echoes the origin itself. Return true to allow it: ${option}: (origin) => allowed.has(origin).`;
  } else if (result === undefined && fn.length >= 2) {
    fix = `returned nothing. If it takes a callback, (origin, callback) => callback(null, true) (the cors and @fastify/cors style), write it to return instead: ${option}: (origin) => true, or an async function.`;
  } else {
    fix = `returned ${describeValue(result)}; it must return true or false (or a promise of one). Write ${option}: (origin) => true to allow, false to refuse.`;
  }
  return new CorsError(ERR_CORS_FUNCTION_RESULT, name + fix);
}

function originFunctionsFrom(
  functions: readonly OriginFunction[],
  from: number,
  origin: string,
  request: CorsRequest,
): OriginVerdict | Promise<OriginVerdict> {
  for (let i = from; i < functions.length; i++) {
    const fn = functions[i] as OriginFunction;
    const result: unknown = fn(origin, request);
    if (result === true) return ALLOWED_BY_FUNCTION;
    if (result === false) continue;
    if (!isThenable<unknown>(result)) throw functionResultError('origin', fn, origin, result);
    return Promise.resolve(result).then((value) => {
      if (value === true) return ALLOWED_BY_FUNCTION;
      if (value === false) return originFunctionsFrom(functions, i + 1, origin, request);
      throw functionResultError('origin', fn, origin, value);
    });
  }
  return NOT_ALLOWED;
}

/**
 * The CORS check of the origin (Fetch §4.10): exact origins (one `Set` lookup), `null` only when
 * listed, then, for a well-formed origin, patterns, RegExps and functions in that order.
 */
export function checkOrigin(
  rules: DecisionRules,
  origin: string,
  request: CorsRequest,
): OriginVerdict | Promise<OriginVerdict> {
  const matcher = rules.matcher as OriginMatcher;
  if (matcher.exact.has(origin)) return ALLOWED;
  if (origin === 'null') return matcher.allowNull ? ALLOWED : NOT_ALLOWED;
  const scan = rules.scan;
  if (!scanOrigin(origin, scan)) return MALFORMED;
  if (!matcher.needsParse) return NOT_ALLOWED;
  for (const pattern of matcher.patterns) if (matchesPattern(pattern, origin, scan)) return ALLOWED;
  for (const regexp of matcher.regexps) if (regexp.test(origin)) return ALLOWED;
  return originFunctionsFrom(matcher.functions, 0, origin, request);
}

function recordOrigin(trace: CorsTrace, origin: string, verdict: OriginVerdict): void {
  if (trace === undefined) return;
  const details: Record<OriginVerdict, [string, string]> = {
    [ALLOWED]: ['allowed', `Origin ${show(origin)} is allowed by the \`origin\` option.`],
    [ALLOWED_BY_FUNCTION]: [
      'allowed',
      `Origin ${show(origin)} is allowed by an \`origin\` function (decided again on every request).`,
    ],
    [NOT_ALLOWED]: [
      'not-allowed',
      `Origin ${show(origin)} is not allowed by the \`origin\` option.`,
    ],
    [MALFORMED]: [
      'malformed',
      `Origin ${show(origin)} is not an origin a browser sends (scheme://host[:port] or null).`,
    ],
  };
  const [outcome, detail] = details[verdict];
  record(trace, 'origin', outcome, detail, 'Fetch §4.10');
}

// ---------------------------------------------------------------------------------------------
// 3. Credentials (Fetch §3.2.5)

/** Whether this response may carry `Access-Control-Allow-Credentials: true` for an allowed origin. */
export function allowCredentials(
  rules: DecisionRules,
  origin: string,
  request: CorsRequest,
): boolean | Promise<boolean> {
  const fn = rules.credentialsFunction;
  if (fn === null) return rules.staticCredentials;
  const result: unknown = fn(origin, request);
  if (typeof result === 'boolean') return result;
  if (!isThenable<unknown>(result)) throw functionResultError('credentials', fn, origin, result);
  return Promise.resolve(result).then((value) => {
    if (typeof value === 'boolean') return value;
    throw functionResultError('credentials', fn, origin, value);
  });
}

function recordCredentials(trace: CorsTrace, rules: DecisionRules, withCredentials: boolean): void {
  record(
    trace,
    'credentials',
    withCredentials ? 'allowed' : 'not-allowed',
    withCredentials
      ? 'Access-Control-Allow-Credentials: true is sent (the `credentials` option).'
      : `No Access-Control-Allow-Credentials: the \`credentials\` option is ${rules.credentialsFunction === null ? 'false' : 'a function that said false'}; a page sending credentials cannot read the response.`,
    'Fetch §3.2.5',
  );
}

// ---------------------------------------------------------------------------------------------
// 4. The preflight's requested method and headers (Fetch §4.8), and Private Network Access

type Refusal = { readonly reason: CorsReason; readonly message: string };

/**
 * The requested method (Fetch §4.8): a single token, safelisted or allowed by `methods`. Returns the
 * method as the actual request will carry it (Fetch §2.2.1 "normalize a method"), or why not.
 */
export function checkRequestMethod(
  rules: DecisionRules,
  requestMethod: string,
  trace: CorsTrace,
): string | Refusal {
  let refusal: Refusal | null = null;
  let method = requestMethod;
  if (requestMethod.length > MAX_REQUEST_METHOD_LENGTH || !isToken(requestMethod)) {
    refusal = {
      reason: 'method-malformed',
      message: `Access-Control-Request-Method ${show(requestMethod)} is not a single method token; refused without echoing it.`,
    };
  } else {
    method = normalizeMethod(requestMethod);
    if (
      !rules.methodsWildcard &&
      !SAFELISTED_METHODS.has(method) &&
      !rules.allowedMethods.has(method)
    ) {
      refusal = {
        reason: 'method-not-allowed',
        message: `Method ${show(method)} is not allowed by the \`methods\` option; add it there if it should be.`,
      };
    }
  }
  if (trace !== undefined) {
    record(
      trace,
      'method',
      refusal === null ? 'allowed' : refusal.reason,
      refusal === null
        ? `Method ${show(method)} is ${SAFELISTED_METHODS.has(method) ? 'CORS-safelisted' : 'allowed by the `methods` option'}.`
        : refusal.message,
      'Fetch §4.8',
    );
  }
  return refusal ?? method;
}

/**
 * The requested headers (Fetch §4.8): every name allowed by `allowedHeaders` ('*' covers all but
 * `Authorization`), or reflected when it is unset. Returns the `Access-Control-Allow-Headers`
 * value (`null` for none), or why not.
 */
export function checkRequestHeaders(
  rules: DecisionRules,
  requestHeaders: string | null | undefined,
  trace: CorsTrace,
): string | null | Refusal {
  let result: string | null | Refusal = null;
  if (requestHeaders != null && requestHeaders !== '') {
    const parsed = parseRequestHeaders(requestHeaders);
    if (!parsed.ok) {
      result =
        parsed.problem === 'too-large'
          ? {
              reason: 'headers-too-large',
              message: `Access-Control-Request-Headers is longer or lists more names than the documented caps; refused without echoing it.`,
            }
          : {
              reason: 'headers-malformed',
              message: `Access-Control-Request-Headers ${show(requestHeaders)} is not a comma-separated list of header names; refused without echoing it.`,
            };
    } else if (rules.reflectHeaders) {
      result = parsed.canonical ? requestHeaders : parsed.names.join(',');
    } else {
      result = rules.allowHeadersValue;
      for (const name of parsed.names) {
        if (rules.allowedHeaderSet.has(name)) continue;
        // '*' covers every name but Authorization, which must be listed (Fetch §3.2.3).
        if (rules.headersWildcard && name !== 'authorization') continue;
        result = {
          reason: 'header-not-allowed',
          message: rules.headersWildcard
            ? "Request header 'authorization' is not covered by '*' in `allowedHeaders`; list 'Authorization' too."
            : `Request header ${show(name)} is not allowed by the \`allowedHeaders\` option; add it there if it should be.`,
        };
        break;
      }
    }
  }
  if (trace !== undefined) {
    if (result !== null && typeof result === 'object') {
      record(trace, 'headers', result.reason, result.message, 'Fetch §4.8');
    } else {
      record(
        trace,
        'headers',
        result === null ? 'none-requested' : 'allowed',
        result === null
          ? 'No Access-Control-Request-Headers: no header to allow.'
          : `Access-Control-Allow-Headers: ${result}${rules.reflectHeaders ? ' (reflected: `allowedHeaders` is unset)' : ''}.`,
        'Fetch §4.8',
      );
    }
  }
  return result;
}

/**
 * Private Network Access (legacy, WICG): a preflight with `Access-Control-Request-Private-Network:
 * true` is granted `Access-Control-Allow-Private-Network: true` under `allowPrivateNetwork`.
 * Chromium replaced it with the Local Network Access permission prompt, which no header grants.
 */
export function privateNetworkAccess(
  rules: DecisionRules,
  request: CorsRequest,
  trace: CorsTrace,
): 'not-requested' | 'granted' | 'not-allowed' {
  const outcome =
    request.requestPrivateNetwork !== 'true'
      ? 'not-requested'
      : rules.allowPrivateNetwork
        ? 'granted'
        : 'not-allowed';
  if (trace !== undefined && outcome !== 'not-requested') {
    record(
      trace,
      'private-network',
      outcome,
      outcome === 'granted'
        ? 'Access-Control-Allow-Private-Network: true (the `allowPrivateNetwork` option).'
        : PRIVATE_NETWORK_MESSAGE,
      'WICG Private Network Access §3.2 (legacy)',
    );
  }
  return outcome;
}

const PRIVATE_NETWORK_MESSAGE =
  'The preflight asks for Private Network Access, which the `allowPrivateNetwork` option does not grant; set allowPrivateNetwork: true for browsers that still send this preflight (see docs/browser-limits.md).';

// ---------------------------------------------------------------------------------------------
// 5. The response (Fetch §3.2.3) and what the decisions look like

/** An actual request from an allowed origin. */
export function actualResponse(
  rules: DecisionRules,
  origin: string,
  withCredentials: boolean,
  isOptions: boolean,
): CorsDecision {
  const headers: Headers = { 'access-control-allow-origin': origin };
  if (withCredentials) headers['access-control-allow-credentials'] = 'true';
  if (rules.exposeHeadersValue !== null)
    headers['access-control-expose-headers'] = rules.exposeHeadersValue;
  const vary = isOptions ? rules.preflightVary : rules.actualVary;
  return corsDecision('actual', true, 'allowed', undefined, headers, vary, false, undefined);
}

/** A preflight from an allowed origin (`'*'` for a public policy): method, headers, then the answer. */
export function preflightResponse(
  rules: DecisionRules,
  request: CorsRequest,
  origin: string,
  withCredentials: boolean,
  trace: CorsTrace,
): CorsDecision {
  const method = checkRequestMethod(rules, request.requestMethod as string, trace);
  if (typeof method !== 'string')
    return preflightRefusal(rules, method, origin, withCredentials, null);
  const allowHeaders = checkRequestHeaders(rules, request.requestHeaders, trace);
  if (allowHeaders !== null && typeof allowHeaders !== 'string')
    return preflightRefusal(rules, allowHeaders, origin, withCredentials, method);
  const privateNetwork = privateNetworkAccess(rules, request, trace);

  const headers: Headers = { 'access-control-allow-origin': origin };
  if (withCredentials) headers['access-control-allow-credentials'] = 'true';
  headers['access-control-allow-methods'] = method;
  if (allowHeaders !== null) headers['access-control-allow-headers'] = allowHeaders;
  if (rules.maxAgeValue !== null) headers['access-control-max-age'] = rules.maxAgeValue;
  if (privateNetwork === 'granted') headers['access-control-allow-private-network'] = 'true';
  // Without the grant the answer is the same as before PNA: browsers that no longer send this
  // preflight go on, and the reason says which option would grant it to those that still do.
  const notAllowed = privateNetwork === 'not-allowed';
  return corsDecision(
    'preflight',
    true,
    notAllowed ? 'private-network-not-allowed' : 'allowed',
    notAllowed ? PRIVATE_NETWORK_MESSAGE : undefined,
    headers,
    rules.preflightVary,
    rules.preflightEnds,
    rules.preflightStatus,
  );
}

/** Origin allowed, but the method or headers are not: keep ACAO so the browser names the real cause. */
function preflightRefusal(
  rules: DecisionRules,
  refusal: Refusal,
  origin: string,
  withCredentials: boolean,
  method: string | null,
): CorsDecision {
  const headers: Headers = { 'access-control-allow-origin': origin };
  if (withCredentials) headers['access-control-allow-credentials'] = 'true';
  if (method !== null) headers['access-control-allow-methods'] = method;
  return corsDecision(
    'preflight',
    false,
    refusal.reason,
    refusal.message,
    headers,
    rules.preflightVary,
    true,
    rules.optionsSuccessStatus,
  );
}

/** A refused or malformed origin: no CORS header at all, the origin never echoed. */
export function originRefusal(
  rules: DecisionRules,
  verdict: typeof NOT_ALLOWED | typeof MALFORMED,
  origin: string,
  isPreflight: boolean,
  isOptions: boolean,
): CorsDecision {
  const reason: CorsReason = verdict === MALFORMED ? 'origin-malformed' : 'origin-not-allowed';
  // Plain data, message included: spreading, structuredClone and JSON keep it. (A lazy getter
  // was measured: objects with accessors cost several times more to build and freeze than the
  // message, whose cost show() keeps small for the origins browsers send.)
  const message = originRefusalMessage(reason, origin);
  if (isPreflight) {
    return corsDecision(
      'preflight',
      false,
      reason,
      message,
      EMPTY_HEADERS,
      rules.preflightVary,
      true,
      DENIED_ORIGIN_PREFLIGHT_STATUS,
    );
  }
  const vary = isOptions ? rules.preflightVary : rules.actualVary;
  return corsDecision('actual', false, reason, message, EMPTY_HEADERS, vary, false, undefined);
}

function originRefusalMessage(reason: CorsReason, origin: string): string {
  if (reason === 'origin-malformed') {
    return `Origin ${show(origin)} is not an origin a browser sends (scheme://host[:port] or null); refused without reflecting it.`;
  }
  // A well-formed origin (the scanner passed it) has nothing to escape: quoted as is when short.
  return (
    'Origin ' +
    (origin.length > 100 ? show(origin) : `"${origin}"`) +
    ' is not allowed by the `origin` option; add it there if it should be.'
  );
}

/** The response for an allowed origin, once credentials are known. */
export function allowedResponse(
  rules: DecisionRules,
  request: CorsRequest,
  origin: string,
  isPreflight: boolean,
  withCredentials: boolean,
  trace: CorsTrace,
): CorsDecision {
  return isPreflight
    ? preflightResponse(rules, request, origin, withCredentials, trace)
    : actualResponse(rules, origin, withCredentials, request.method === 'OPTIONS');
}

// ---------------------------------------------------------------------------------------------
// The whole decision

/** The response after the origin check: refusal, or credentials and then the allowed response. */
export function respond(
  rules: DecisionRules,
  request: CorsRequest,
  origin: string,
  isPreflight: boolean,
  verdict: OriginVerdict,
  trace: CorsTrace,
): CorsDecision | Promise<CorsDecision> {
  recordOrigin(trace, origin, verdict);
  if (verdict === NOT_ALLOWED || verdict === MALFORMED) {
    return originRefusal(rules, verdict, origin, isPreflight, request.method === 'OPTIONS');
  }
  return respondAllowed(rules, request, origin, isPreflight, trace);
}

/** An allowed origin: credentials (Fetch §3.2.5), then the response. */
export function respondAllowed(
  rules: DecisionRules,
  request: CorsRequest,
  origin: string,
  isPreflight: boolean,
  trace: CorsTrace,
): CorsDecision | Promise<CorsDecision> {
  const withCredentials = allowCredentials(rules, origin, request);
  if (typeof withCredentials === 'boolean') {
    recordCredentials(trace, rules, withCredentials);
    return allowedResponse(rules, request, origin, isPreflight, withCredentials, trace);
  }
  return withCredentials.then((value) => {
    recordCredentials(trace, rules, value);
    return allowedResponse(rules, request, origin, isPreflight, value, trace);
  });
}

/** Decides a request from scratch, step by step. `trace` (for explain) records each step. */
export function decideCors(
  rules: DecisionRules,
  request: CorsRequest,
  trace: CorsTrace,
): CorsDecision | Promise<CorsDecision> {
  const kind = classify(request, trace);
  const isOptions = request.method === 'OPTIONS';
  if (kind === 'not-cors') return isOptions ? rules.notCorsOptions : rules.notCors;
  const isPreflight = kind === 'preflight';
  if (rules.wildcard) {
    // '*': the origin is not read, so it is not validated either; '*' is never a reflection.
    record(
      trace,
      'origin',
      'allowed',
      "The `origin` option is '*': any origin, without credentials.",
      'Fetch §3.2.3',
    );
    if (!isPreflight) return isOptions ? rules.wildcardOptionsActual : rules.wildcardActual;
    return preflightResponse(rules, request, '*', false, trace);
  }
  const origin = request.origin as string;
  const verdict = checkOrigin(rules, origin, request);
  if (typeof verdict === 'number')
    return respond(rules, request, origin, isPreflight, verdict, trace);
  return verdict.then((value) => respond(rules, request, origin, isPreflight, value, trace));
}
