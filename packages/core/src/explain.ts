/**
 * `explainCorsDecision`: the decision of a policy for one request, with the steps that led to it.
 * It runs the same step functions as `decide` (decision.ts), without the kept answers and with a
 * trace, so it is slower and meant for debugging tools (`@cors/doctor explain`), tests and logs,
 * never for the hot path.
 */
import { decideCors, type CorsTraceStep, type DecisionRules } from './decision.js';
import { CorsError } from './errors.js';
import type { CorsDecision, CorsPolicy, CorsRequest } from './types.js';

/** Where a policy keeps the rules its `decide` runs (not enumerable, not part of the API). */
export const POLICY_RULES: unique symbol = Symbol('@cors/core.rules');

/** A decision and the steps that led to it. */
export interface CorsExplanation {
  /** The same decision `policy.decide(request)` returns (deep-equal; not the same object). */
  readonly decision: CorsDecision;
  /** The steps in the order they ran, ending with `response`. */
  readonly trace: readonly CorsTraceStep[];
}

const RESPONSE_SPEC = 'Fetch §3.2.3';

function withResponse(decision: CorsDecision, trace: CorsTraceStep[]): CorsExplanation {
  const names = Object.keys(decision.headers);
  trace.push({
    step: 'response',
    outcome: decision.reason,
    detail:
      (names.length === 0 ? 'No CORS response header' : `Sets ${names.join(', ')}`) +
      (decision.vary === '' ? '' : `; Vary: ${decision.vary}`) +
      (decision.end ? `; answered now with status ${decision.status}.` : '; the route runs.'),
    spec: RESPONSE_SPEC,
  });
  return Object.freeze({ decision, trace: Object.freeze(trace) });
}

/**
 * Decides `request` under `policy` and says why, step by step: `classify`, `origin`,
 * `credentials`, `method`, `headers`, `private-network` (each when it applies) and `response`,
 * each with its outcome, a sentence, and the section of the Fetch Standard it comes from.
 * Returns a promise when `decide` would (an `origin` or `credentials` function returned one).
 *
 * @throws {CorsError} `ERR_CORS_NOT_A_POLICY` when `policy` was not made by this copy of
 *   `createCorsPolicy`.
 * @example
 * const { decision, trace } = explainCorsDecision(policy, { method: 'GET', origin: 'https://evil.example' });
 * // trace[1]: { step: 'origin', outcome: 'not-allowed', detail: 'Origin "https://evil.example" is not allowed by the `origin` option.', spec: 'Fetch §4.10' }
 */
export function explainCorsDecision(
  policy: CorsPolicy,
  request: CorsRequest,
): CorsExplanation | Promise<CorsExplanation> {
  const rules = (policy as unknown as Record<symbol, DecisionRules | undefined>)[POLICY_RULES];
  if (rules === undefined) {
    throw new CorsError(
      'ERR_CORS_NOT_A_POLICY',
      'explainCorsDecision needs a policy made by createCorsPolicy of the same copy of @cors/core.',
    );
  }
  const trace: CorsTraceStep[] = [];
  const decision = decideCors(rules, request, trace);
  return 'then' in decision
    ? decision.then((value) => withResponse(value, trace))
    : withResponse(decision, trace);
}
