/**
 * The hot path: `createDecider` puts the kept answers (memo.ts) around the pure decision
 * (decision.ts), whose steps are named by the Fetch Standard. Everything that does not depend on
 * the request was computed by `createCorsPolicy`.
 */
import { compileDecisionRules, type CompiledPolicy, type DecisionRules } from './decision.js';
import { createMemo } from './memo.js';
import type { CorsDecision, CorsRequest } from './types.js';

export { DENIED_ORIGIN_PREFLIGHT_STATUS, type CompiledPolicy } from './decision.js';

/** The decider and the rules it runs, which {@link explainCorsDecision} runs again step by step. */
export function createDecider(policy: CompiledPolicy): {
  readonly decide: (request: CorsRequest) => CorsDecision | Promise<CorsDecision>;
  readonly rules: DecisionRules;
} {
  const rules = compileDecisionRules(policy);
  return { decide: createMemo(rules), rules };
}
