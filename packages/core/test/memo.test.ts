/**
 * The memo keeps answers; it never changes them: every decision equals the pure, step-by-step
 * decision of decision.ts, on the spec vectors and on requests around them.
 */
import { describe, expect, it } from 'vitest';
import { createCorsPolicy, type CorsRequest } from '../src/index.js';
import { compileDecisionRules, decideCors } from '../src/decision.js';
import { compileOrigins } from '../src/origin-config.js';
import { specPolicies, specVectors } from './vectors.js';

describe('the memo', () => {
  it('gives the same decisions as the pure decision, asked twice, on every spec vector and variant', () => {
    for (const vector of specVectors) {
      const options = specPolicies[vector.policy]!;
      const policy = createCorsPolicy(options);
      const rules = compileDecisionRules({
        options: policy.options,
        wildcard: options.origin === '*',
        matcher: options.origin === '*' ? null : compileOrigins(options.origin, []),
      });
      const variants: CorsRequest[] = [
        vector.request,
        { ...vector.request, method: 'OPTIONS', requestMethod: undefined },
        { ...vector.request, origin: `https://${'a'.repeat(60)}.${'b'.repeat(60)}.example` },
      ];
      for (const request of variants) {
        const pure = decideCors(rules, request, undefined);
        expect(policy.decide(request), vector.name).toEqual(pure);
        expect(policy.decide(request), vector.name).toEqual(pure);
      }
    }
  });
});
