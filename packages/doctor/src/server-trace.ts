/**
 * The server side of `cors-doctor explain`: what the policy decides for one request, and why,
 * step by step. The steps are the core's own (`explainCorsDecision`), so the doctor never restates
 * a rule of the decision: each line names the step, what it found, why, and the section of the
 * Fetch Standard it comes from.
 */
import {
  explainCorsDecision,
  type CorsDecision,
  type CorsPolicy,
  type CorsRequest,
} from '@cors/core';

/** One line of the server's reasoning. */
export interface ServerTraceLine {
  /** The step of the decision: `classify`, `origin`, `credentials`, `method`, `headers`, `private-network`, `response`. */
  readonly step: string;
  /** What came of it, with the step's outcome first, e.g. `not-allowed: Origin "…" is not allowed … (Fetch §4.10)`. */
  readonly detail: string;
}

export interface ServerTrace {
  readonly decision: CorsDecision;
  readonly trace: readonly ServerTraceLine[];
}

export async function serverTrace(policy: CorsPolicy, request: CorsRequest): Promise<ServerTrace> {
  const { decision, trace } = await explainCorsDecision(policy, request);
  return {
    decision,
    trace: trace.map(({ step, outcome, detail, spec }) => ({
      step,
      detail: `${outcome}: ${detail} (${spec})`,
    })),
  };
}
