/**
 * Kept answers around the pure decision (decision.ts). Whatever depends only on the request's
 * header values is decided once and then looked up: allowed origins (listed or matched by a
 * pattern or RegExp) unless a `credentials` function has a say, refused and malformed origins
 * unless an `origin` function has one, and preflights (origin, method, header list, Private
 * Network Access request) on the same terms.
 *
 * Keys are values a client chooses, so every memory here is bounded: when full, it is emptied and
 * fills again with what is asked now, and long values are never kept. Measured in
 * bench/decide.mjs: a kept answer is a `Map` lookup instead of building headers.
 */
import {
  ALLOWED,
  ALLOWED_BY_FUNCTION,
  NOT_ALLOWED,
  allowedResponse,
  checkOrigin,
  originRefusal,
  preflightResponse,
  respondAllowed,
  type DecisionRules,
  type OriginVerdict,
} from './decision.js';
import type { CorsDecision, CorsRequest } from './types.js';

/** How many allowed origins keep a ready-made answer to their actual requests. */
export const ACTUAL_CACHE_LIMIT = 10_000;

/**
 * How many refused origins keep their answer, for actual requests and for preflights (each); an
 * answer is kept the second time its origin is refused, and as many once-refused origins are
 * remembered for that.
 */
export const REFUSED_CACHE_LIMIT = 1_000;

/** How many ready-made preflight answers of allowed origins are kept, over every origin. */
export const PREFLIGHT_CACHE_LIMIT = 1_024;

/** Longest origin whose answers are kept; longer ones (no browser sends them) are decided every time. */
export const KEPT_ORIGIN_MAX_LENGTH = 256;

/** Longest `Access-Control-Request-Headers` whose preflight answer is kept; longer ones are decided every time. */
export const PREFLIGHT_CACHE_MAX_HEADERS_LENGTH = 256;

/** A kept preflight answer, for one origin and one `Access-Control-Request-Headers` value. */
interface PreflightAnswer {
  readonly method: string;
  readonly privateNetwork: boolean;
  readonly decision: CorsDecision;
}

/** `decide` with kept answers: the same decisions as `decideCors`, fewer of them computed. */
export function createMemo(
  rules: DecisionRules,
): (request: CorsRequest) => CorsDecision | Promise<CorsDecision> {
  const actualCache = new Map<string, CorsDecision>();
  const refusedCache = new Map<string, CorsDecision>();
  const refusedPreflightCache = new Map<string, CorsDecision>();
  const preflightCache = new Map<string, Map<string, PreflightAnswer>>();
  let preflightCacheSize = 0;
  /** Origins refused once, not yet kept (bounded like the refusals). */
  const seenRefusals = new Set<string>();
  const seenRefusedPreflights = new Set<string>();
  const keepRefused = rules.matcher === null || rules.matcher.functions.length === 0;

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
      privateNetwork: request.requestPrivateNetwork === 'true',
      decision,
    });
    return decision;
  }

  function keptPreflight(origin: string, request: CorsRequest): CorsDecision | undefined {
    const answers = preflightCache.get(origin);
    if (answers === undefined) return refusedPreflightCache.get(origin);
    const answer = answers.get(request.requestHeaders ?? '');
    if (
      answer !== undefined &&
      answer.method === request.requestMethod &&
      answer.privateNetwork === (request.requestPrivateNetwork === 'true')
    ) {
      return answer.decision;
    }
    return undefined;
  }

  /** The decision after the origin check, kept when nothing in it can change between requests. */
  function respondAndKeep(
    request: CorsRequest,
    origin: string,
    isPreflight: boolean,
    isOptions: boolean,
    verdict: OriginVerdict,
  ): CorsDecision | Promise<CorsDecision> {
    if (verdict === ALLOWED || verdict === ALLOWED_BY_FUNCTION) {
      // A `credentials` function has a say: never kept.
      if (rules.credentialsFunction !== null)
        return respondAllowed(rules, request, origin, isPreflight, undefined);
      const decision = allowedResponse(
        rules,
        request,
        origin,
        isPreflight,
        rules.staticCredentials,
        undefined,
      );
      if (verdict !== ALLOWED || (isOptions && !isPreflight)) return decision;
      return isPreflight
        ? keepPreflight(origin, request, decision)
        : keepByOrigin(actualCache, ACTUAL_CACHE_LIMIT, origin, decision);
    }
    const decision = originRefusal(rules, verdict, origin, isPreflight, isOptions);
    // OPTIONS that is not a preflight: rare, and varies on more than the origin; not kept.
    if (isOptions && !isPreflight) return decision;
    // A malformed origin never reaches the origin functions, so its refusal can always be kept.
    if (verdict === NOT_ALLOWED && !keepRefused) return decision;
    // Kept from the second time an origin is refused: a flood of one-off origins (the attacker's
    // cheapest move) then leaves only short-lived objects behind, which the measured bench showed
    // to matter once refusals carry their message; an origin refused again is kept as before.
    const seen = isPreflight ? seenRefusedPreflights : seenRefusals;
    if (!seen.has(origin)) {
      if (origin.length <= KEPT_ORIGIN_MAX_LENGTH) {
        if (seen.size >= REFUSED_CACHE_LIMIT) seen.clear();
        seen.add(origin);
      }
      return decision;
    }
    return keepByOrigin(
      isPreflight ? refusedPreflightCache : refusedCache,
      REFUSED_CACHE_LIMIT,
      origin,
      decision,
    );
  }

  return function decide(request: CorsRequest): CorsDecision | Promise<CorsDecision> {
    const origin = request.origin;
    const isOptions = request.method === 'OPTIONS';
    // Classification (Fetch §3.2.2), as corsRequestKind, inlined: this is the hot path.
    if (origin == null) return isOptions ? rules.notCorsOptions : rules.notCors;
    const isPreflight = isOptions && request.requestMethod != null;
    if (rules.wildcard) {
      if (!isPreflight) return isOptions ? rules.wildcardOptionsActual : rules.wildcardActual;
      return (
        keptPreflight('*', request) ??
        keepPreflight('*', request, preflightResponse(rules, request, '*', false, undefined))
      );
    }
    if (!isOptions) {
      const kept = actualCache.get(origin) ?? refusedCache.get(origin);
      if (kept !== undefined) return kept;
    } else if (isPreflight) {
      const kept = keptPreflight(origin, request);
      if (kept !== undefined) return kept;
    }
    const verdict = checkOrigin(rules, origin, request);
    if (typeof verdict === 'number')
      return respondAndKeep(request, origin, isPreflight, isOptions, verdict);
    return verdict.then((value) => respondAndKeep(request, origin, isPreflight, isOptions, value));
  };
}
