/**
 * The server side of `cors-doctor explain`: what the policy decides for one request, as lines.
 *
 * Today this shows the decision's fields. When `@cors/core` exports `explainCorsDecision(policy,
 * request)` (the decision with its step-by-step trace), replace the body of {@link serverTrace}
 * with a call to it and map its steps to {@link ServerTraceLine}s: nothing else in the doctor
 * needs to change.
 */
import type { CorsDecision, CorsPolicy, CorsRequest } from '@cors/core';

/** One line of the server's reasoning. */
export interface ServerTraceLine {
  /** What was looked at, e.g. `kind`, `origin`, `reason`. */
  readonly step: string;
  /** What came of it. */
  readonly detail: string;
}

export interface ServerTrace {
  readonly decision: CorsDecision;
  readonly trace: readonly ServerTraceLine[];
}

export async function serverTrace(policy: CorsPolicy, request: CorsRequest): Promise<ServerTrace> {
  const decision = await policy.decide(request);
  const trace: ServerTraceLine[] = [
    { step: 'kind', detail: decision.kind },
    { step: 'allowed', detail: String(decision.allowed) },
    { step: 'reason', detail: decision.reason },
  ];
  if (decision.message !== undefined) trace.push({ step: 'message', detail: decision.message });
  for (const [name, value] of Object.entries(decision.headers))
    trace.push({ step: 'header', detail: `${name}: ${value}` });
  if (decision.vary !== '') trace.push({ step: 'vary', detail: decision.vary });
  trace.push({
    step: 'answer',
    detail: decision.end
      ? `ends the request with status ${decision.status}`
      : 'continues to the route',
  });
  return { decision, trace };
}
