/**
 * The hot path: turns a request's method and CORS headers into a decision. Everything that does
 * not depend on the request was computed by `createCorsPolicy`; here are lookups, one pass over
 * `Access-Control-Request-Headers`, and one small object per allowed request.
 *
 * References are to the Fetch Standard, §3.2 "CORS protocol".
 */
import { normalizeMethod } from './classify.js';
import { matchesPattern, type OriginMatcher } from './origin-config.js';
import { scanOrigin, type OriginScan } from './origin.js';
import { describeValue } from './errors.js';
import {
  MAX_REQUEST_METHOD_LENGTH,
  SAFELISTED_METHODS,
  isToken,
  parseRequestHeaders,
} from './tokens.js';
import type { CorsDecision, CorsReason, CorsRequest, NormalizedCorsOptions } from './types.js';

/** What `createCorsPolicy` hands to the decider. */
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

type Headers = Record<string, string>;

/**
 * How many allowed origins (listed or matched by a pattern) keep a ready-made answer to their actual
 * requests. Keys are values a client chooses, so every memory here is bounded: when full, it is
 * emptied and fills again with what is asked now.
 */
export const ACTUAL_CACHE_LIMIT = 10_000;

/** How many refused origins keep their answer, for actual requests and for preflights (each). */
export const REFUSED_CACHE_LIMIT = 1_000;

/** How many ready-made preflight answers of allowed origins are kept, over every origin. */
export const PREFLIGHT_CACHE_LIMIT = 1_024;

/** Longest origin whose answers are kept; longer ones (no browser sends them) are decided every time. */
export const KEPT_ORIGIN_MAX_LENGTH = 256;

/** Longest `Access-Control-Request-Headers` whose preflight answer is kept; longer ones are decided every time. */
export const PREFLIGHT_CACHE_MAX_HEADERS_LENGTH = 256;

const EMPTY_HEADERS: Readonly<Headers> = Object.freeze({});

const ALLOWED = 0;
const NOT_ALLOWED = 1;
const MALFORMED = 2;
/** Allowed by an `origin` function: the answer may change between requests, so it is never kept. */
const ALLOWED_BY_FUNCTION = 3;
type Match = typeof ALLOWED | typeof NOT_ALLOWED | typeof MALFORMED | typeof ALLOWED_BY_FUNCTION;

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A request value shown in a message: bounded and escaped, never raw. */
function show(value: string): string {
  return describeValue(value, 100);
}

/**
 * A refused origin. Refusals are the path attackers can drive, so the message naming the origin is
 * built only when someone reads it (a log line), not on every refused request.
 */
class OriginDenial implements CorsDecision {
  readonly allowed = false;
  readonly headers: Readonly<Headers> = EMPTY_HEADERS;
  readonly #origin: string;

  constructor(
    readonly kind: 'actual' | 'preflight',
    readonly reason: CorsReason,
    origin: string,
    readonly vary: string,
    readonly end: boolean,
    readonly status: number | undefined,
  ) {
    this.#origin = origin;
  }

  get message(): string {
    return this.reason === 'origin-malformed'
      ? `Origin ${show(this.#origin)} is not an origin a browser sends (scheme://host[:port] or null); refused without reflecting it.`
      : `Origin ${show(this.#origin)} is not allowed by the \`origin\` option; add it there if it should be.`;
  }

  /** Plain data for logs, message included. */
  toJSON(): CorsDecision {
    const { kind, allowed, reason, message, headers, vary, end, status } = this;
    return status === undefined
      ? { kind, allowed, reason, message, headers, vary, end }
      : { kind, allowed, reason, message, headers, vary, end, status };
  }
}

/** A kept preflight answer, for one origin and one `Access-Control-Request-Headers` value. */
interface PreflightAnswer {
  readonly method: string;
  readonly privateNetwork: boolean;
  readonly decision: CorsDecision;
}

/** Kept decisions are handed to every later request: nobody may change them. */
function freezeDecision(decision: CorsDecision): CorsDecision {
  Object.freeze(decision.headers);
  return Object.freeze(decision);
}

export function createDecider(
  policy: CompiledPolicy,
): (request: CorsRequest) => CorsDecision | Promise<CorsDecision> {
  const { options, wildcard, matcher } = policy;
  const credentials = options.credentials;
  const credentialsFunction = typeof credentials === 'function' ? credentials : null;
  const staticCredentials = credentials === true;

  const methodsWildcard = options.methods === '*';
  const allowedMethods: ReadonlySet<string> = new Set(
    options.methods === '*' ? [] : options.methods,
  );

  const reflectHeaders = options.allowedHeaders === 'reflect';
  const allowedHeaderList = reflectHeaders ? [] : (options.allowedHeaders as readonly string[]);
  const headersWildcard = allowedHeaderList.includes('*');
  const allowedHeaderSet: ReadonlySet<string> = new Set(allowedHeaderList);
  const allowHeadersValue = allowedHeaderList.join(',');

  const exposeHeadersValue =
    options.exposedHeaders.length > 0 ? options.exposedHeaders.join(',') : null;
  const maxAgeValue = options.maxAge === undefined ? null : String(options.maxAge);
  const preflightEnds = !options.preflightContinue;
  const preflightStatus = preflightEnds ? options.optionsSuccessStatus : undefined;
  const allowPrivateNetwork = options.allowPrivateNetwork;

  // Vary (Fetch §3.2.3 "CORS protocol and HTTP caches"): an answer that depends on Origin varies
  // on it, allowed or not, with or without Origin; a static '*' does not. OPTIONS answers also
  // depend on the preflight request headers.
  const actualVary = wildcard ? '' : 'Origin';
  const preflightVary =
    (wildcard ? '' : 'Origin, ') +
    'Access-Control-Request-Method, Access-Control-Request-Headers' +
    (allowPrivateNetwork ? ', Access-Control-Request-Private-Network' : '');

  // A static '*' answers every request the same way, so its answer does not vary on Origin even
  // when Origin is absent (a shared cache may serve it to a cross-origin request later).
  const wildcardHeaders: Headers = { 'access-control-allow-origin': '*' };
  if (exposeHeadersValue !== null)
    wildcardHeaders['access-control-expose-headers'] = exposeHeadersValue;
  Object.freeze(wildcardHeaders);

  const notCors = freezeDecision({
    kind: 'not-cors',
    allowed: true,
    reason: 'no-origin',
    headers: wildcard ? wildcardHeaders : EMPTY_HEADERS,
    vary: actualVary,
    end: false,
  });
  const notCorsOptions = freezeDecision({
    kind: 'not-cors',
    allowed: true,
    reason: 'no-origin',
    headers: EMPTY_HEADERS,
    vary: preflightVary,
    end: false,
  });
  const wildcardActual = freezeDecision({
    kind: 'actual',
    allowed: true,
    reason: 'allowed',
    headers: wildcardHeaders,
    vary: actualVary,
    end: false,
  });

  const wildcardOptionsActual = freezeDecision({ ...wildcardActual, vary: preflightVary });

  function deniedOrigin(
    preflight: boolean,
    reason: CorsReason,
    origin: string,
    isOptions: boolean,
  ): CorsDecision {
    return preflight
      ? new OriginDenial(
          'preflight',
          reason,
          origin,
          preflightVary,
          true,
          DENIED_ORIGIN_PREFLIGHT_STATUS,
        )
      : new OriginDenial(
          'actual',
          reason,
          origin,
          isOptions ? preflightVary : actualVary,
          false,
          undefined,
        );
  }

  /** Origin allowed, but the method or headers are not: keep ACAO so the browser names the real cause. */
  function deniedPreflight(
    reason: CorsReason,
    message: string,
    origin: string,
    withCredentials: boolean,
    requestMethod: string | null,
  ): CorsDecision {
    const headers: Headers = { 'access-control-allow-origin': origin };
    if (withCredentials) headers['access-control-allow-credentials'] = 'true';
    if (requestMethod !== null) headers['access-control-allow-methods'] = requestMethod;
    return {
      kind: 'preflight',
      allowed: false,
      reason,
      message,
      headers,
      vary: preflightVary,
      end: true,
      status: options.optionsSuccessStatus,
    };
  }

  // Scratch space for the origin scanner: decide is synchronous up to here, so one per policy will do.
  const scan: OriginScan = {
    schemeEnd: 0,
    hostStart: 0,
    hostEnd: 0,
    hostKind: 'domain',
    port: null,
  };

  function matchOrigin(origin: string, request: CorsRequest): Match | Promise<Match> {
    const m = matcher as OriginMatcher;
    if (m.exact.has(origin)) return ALLOWED;
    if (origin === 'null') return m.allowNull ? ALLOWED : NOT_ALLOWED;
    if (!scanOrigin(origin, scan)) return MALFORMED;
    if (!m.needsParse) return NOT_ALLOWED;
    for (const pattern of m.patterns) if (matchesPattern(pattern, origin, scan)) return ALLOWED;
    for (const regexp of m.regexps) if (regexp.test(origin)) return ALLOWED;
    return matchFunctions(m, 0, origin, request);
  }

  function matchFunctions(
    m: OriginMatcher,
    from: number,
    origin: string,
    request: CorsRequest,
  ): Match | Promise<Match> {
    for (let i = from; i < m.functions.length; i++) {
      const result = (m.functions[i] as NonNullable<OriginMatcher['functions'][number]>)(
        origin,
        request,
      );
      if (isThenable<boolean>(result)) {
        return Promise.resolve(result).then((value) =>
          value === true ? ALLOWED_BY_FUNCTION : matchFunctions(m, i + 1, origin, request),
        );
      }
      if (result === true) return ALLOWED_BY_FUNCTION;
    }
    return NOT_ALLOWED;
  }

  // Ready-made answers. Whatever depends only on the request's header values is decided once and
  // then looked up: allowed origins (listed or matched by a pattern) unless a credentials function
  // has a say, refused and malformed origins unless an origin function has one, and preflights
  // (origin, method, header list) on the same terms. Keys are values a client chooses, so every
  // memory is bounded (emptied when full) and long values are never kept.
  const actualCache = new Map<string, CorsDecision>();
  const refusedCache = new Map<string, CorsDecision>();
  const refusedPreflightCache = new Map<string, CorsDecision>();
  const preflightCache = new Map<string, Map<string, PreflightAnswer>>();
  let preflightCacheSize = 0;
  const keepAllowed = credentialsFunction === null;
  const keepRefused = matcher === null || matcher.functions.length === 0;

  /** A Private Network Access preflight that this policy answers with its grant. */
  function grantsPrivateNetwork(request: CorsRequest): boolean {
    return allowPrivateNetwork && request.requestPrivateNetwork === 'true';
  }

  /** For answers that depend on the origin alone. */
  function keepByOrigin(
    cache: Map<string, CorsDecision>,
    limit: number,
    origin: string,
    decision: CorsDecision,
  ): CorsDecision {
    if (origin.length > KEPT_ORIGIN_MAX_LENGTH) return decision;
    if (cache.size >= limit) cache.clear();
    cache.set(origin, decision);
    return decision;
  }

  /** For preflights of an allowed origin (or of '*'): the answer depends on the method and headers. */
  function keepPreflight(
    origin: string,
    request: CorsRequest,
    privateNetwork: boolean,
    decision: CorsDecision,
  ): CorsDecision {
    const requestHeaders = request.requestHeaders ?? '';
    if (requestHeaders.length > PREFLIGHT_CACHE_MAX_HEADERS_LENGTH) return decision;
    if (origin.length > KEPT_ORIGIN_MAX_LENGTH) return decision;
    if (preflightCacheSize >= PREFLIGHT_CACHE_LIMIT) {
      preflightCache.clear();
      preflightCacheSize = 0;
    }
    let answers = preflightCache.get(origin);
    if (answers === undefined) {
      answers = new Map();
      preflightCache.set(origin, answers);
    }
    if (!answers.has(requestHeaders)) preflightCacheSize++;
    answers.set(requestHeaders, {
      method: request.requestMethod as string,
      privateNetwork,
      decision: freezeDecision(decision),
    });
    return decision;
  }

  function cachedPreflight(origin: string, request: CorsRequest): CorsDecision | undefined {
    const answers = preflightCache.get(origin);
    if (answers === undefined) return refusedPreflightCache.get(origin);
    const answer = answers.get(request.requestHeaders ?? '');
    if (
      answer !== undefined &&
      answer.method === request.requestMethod &&
      answer.privateNetwork === grantsPrivateNetwork(request)
    ) {
      return answer.decision;
    }
    return undefined;
  }

  function allowedActual(
    origin: string,
    withCredentials: boolean,
    isOptions: boolean,
    keep: boolean,
  ): CorsDecision {
    const headers: Headers = { 'access-control-allow-origin': origin };
    if (withCredentials) headers['access-control-allow-credentials'] = 'true';
    if (exposeHeadersValue !== null) headers['access-control-expose-headers'] = exposeHeadersValue;
    const decision: CorsDecision = {
      kind: 'actual',
      allowed: true,
      reason: 'allowed',
      headers,
      vary: isOptions ? preflightVary : actualVary,
      end: false,
    };
    return keep && !isOptions
      ? keepByOrigin(actualCache, ACTUAL_CACHE_LIMIT, origin, freezeDecision(decision))
      : decision;
  }

  /** Fetch §4.8 "CORS-preflight fetch": method, then headers. `origin` is the ACAO value. */
  function preflight(request: CorsRequest, origin: string, withCredentials: boolean): CorsDecision {
    const rawRequestMethod = request.requestMethod as string;
    if (rawRequestMethod.length > MAX_REQUEST_METHOD_LENGTH || !isToken(rawRequestMethod)) {
      return deniedPreflight(
        'method-malformed',
        `Access-Control-Request-Method ${show(rawRequestMethod)} is not a single method token; refused without echoing it.`,
        origin,
        withCredentials,
        null,
      );
    }
    // Methods are case-sensitive; the Fetch Standard upper-cases only the six standard ones, and the
    // actual request will carry the method so normalised (the same rule that finds a preflight's route).
    const requestMethod = normalizeMethod(rawRequestMethod);
    if (
      !methodsWildcard &&
      !SAFELISTED_METHODS.has(requestMethod) &&
      !allowedMethods.has(requestMethod)
    ) {
      return deniedPreflight(
        'method-not-allowed',
        `Method ${show(requestMethod)} is not allowed by the \`methods\` option; add it there if it should be.`,
        origin,
        withCredentials,
        null,
      );
    }

    let allowHeaders: string | null = null;
    const requestHeaders = request.requestHeaders;
    if (requestHeaders != null && requestHeaders !== '') {
      const parsed = parseRequestHeaders(requestHeaders);
      if (!parsed.ok) {
        return parsed.problem === 'too-large'
          ? deniedPreflight(
              'headers-too-large',
              `Access-Control-Request-Headers is longer or lists more names than the documented caps; refused without echoing it.`,
              origin,
              withCredentials,
              requestMethod,
            )
          : deniedPreflight(
              'headers-malformed',
              `Access-Control-Request-Headers ${show(requestHeaders)} is not a comma-separated list of header names; refused without echoing it.`,
              origin,
              withCredentials,
              requestMethod,
            );
      }
      if (reflectHeaders) {
        allowHeaders = parsed.canonical ? requestHeaders : parsed.names.join(',');
      } else {
        for (const name of parsed.names) {
          if (allowedHeaderSet.has(name)) continue;
          // '*' covers every name but Authorization, which must be listed (Fetch §3.2.3).
          if (headersWildcard && name !== 'authorization') continue;
          return deniedPreflight(
            'header-not-allowed',
            headersWildcard
              ? "Request header 'authorization' is not covered by '*' in `allowedHeaders`; list 'Authorization' too."
              : `Request header ${show(name)} is not allowed by the \`allowedHeaders\` option; add it there if it should be.`,
            origin,
            withCredentials,
            requestMethod,
          );
        }
        allowHeaders = allowHeadersValue;
      }
    }

    const headers: Headers = { 'access-control-allow-origin': origin };
    if (withCredentials) headers['access-control-allow-credentials'] = 'true';
    headers['access-control-allow-methods'] = requestMethod;
    if (allowHeaders !== null) headers['access-control-allow-headers'] = allowHeaders;
    if (maxAgeValue !== null) headers['access-control-max-age'] = maxAgeValue;
    if (grantsPrivateNetwork(request)) {
      headers['access-control-allow-private-network'] = 'true';
    }
    return {
      kind: 'preflight',
      allowed: true,
      reason: 'allowed',
      headers,
      vary: preflightVary,
      end: preflightEnds,
      status: preflightStatus,
    };
  }

  function allowed(
    request: CorsRequest,
    origin: string,
    isPreflight: boolean,
    withCredentials: boolean,
    keep: boolean,
  ): CorsDecision {
    if (!isPreflight) {
      return allowedActual(origin, withCredentials, request.method === 'OPTIONS', keep);
    }
    const decision = preflight(request, origin, withCredentials);
    return keep
      ? keepPreflight(origin, request, grantsPrivateNetwork(request), decision)
      : decision;
  }

  function afterOriginAllowed(
    request: CorsRequest,
    origin: string,
    isPreflight: boolean,
    keep: boolean,
  ): CorsDecision | Promise<CorsDecision> {
    if (credentialsFunction === null)
      return allowed(request, origin, isPreflight, staticCredentials, keep);
    const result = credentialsFunction(origin, request);
    if (isThenable<boolean>(result)) {
      return Promise.resolve(result).then((value) =>
        allowed(request, origin, isPreflight, value === true, false),
      );
    }
    return allowed(request, origin, isPreflight, result === true, false);
  }

  function afterMatch(
    match: Match,
    request: CorsRequest,
    origin: string,
    isPreflight: boolean,
  ): CorsDecision | Promise<CorsDecision> {
    if (match === ALLOWED) return afterOriginAllowed(request, origin, isPreflight, keepAllowed);
    if (match === ALLOWED_BY_FUNCTION)
      return afterOriginAllowed(request, origin, isPreflight, false);
    const isOptions = request.method === 'OPTIONS';
    const decision = deniedOrigin(
      isPreflight,
      match === MALFORMED ? 'origin-malformed' : 'origin-not-allowed',
      origin,
      isOptions,
    );
    // OPTIONS that is not a preflight: rare, and varies on more than the origin; not kept.
    if (isOptions && !isPreflight) return decision;
    // A malformed origin never reaches the origin functions, so its refusal can always be kept.
    if (match === NOT_ALLOWED && !keepRefused) return decision;
    return keepByOrigin(
      isPreflight ? refusedPreflightCache : refusedCache,
      REFUSED_CACHE_LIMIT,
      origin,
      freezeDecision(decision),
    );
  }

  return function decide(request: CorsRequest): CorsDecision | Promise<CorsDecision> {
    const origin = request.origin;
    const isOptions = request.method === 'OPTIONS';
    // Fetch §3.2.2: a CORS request is one that carries Origin; a preflight is an OPTIONS request
    // with Origin and Access-Control-Request-Method. Any other OPTIONS reaches the route.
    if (origin == null) return isOptions ? notCorsOptions : notCors;
    const isPreflight = isOptions && request.requestMethod != null;
    if (wildcard) {
      // The origin is not read, so it is not validated either: '*' is never a reflection.
      if (!isPreflight) return isOptions ? wildcardOptionsActual : wildcardActual;
      // (createCorsPolicy refuses allowPrivateNetwork with '*', so no grant depends on it here.)
      return (
        cachedPreflight('*', request) ??
        keepPreflight('*', request, false, preflight(request, '*', false))
      );
    }
    if (!isOptions) {
      const cached = actualCache.get(origin) ?? refusedCache.get(origin);
      if (cached !== undefined) return cached;
    } else if (isPreflight) {
      const cached = cachedPreflight(origin, request);
      if (cached !== undefined) return cached;
    }
    const match = matchOrigin(origin, request);
    if (typeof match === 'number') return afterMatch(match, request, origin, isPreflight);
    return match.then((value) => afterMatch(value, request, origin, isPreflight));
  };
}
