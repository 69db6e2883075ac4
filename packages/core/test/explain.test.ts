/**
 * explainCorsDecision runs the same steps as decide, with a trace: its decision deep-equals
 * decide's on every spec vector, and its trace names each step and the Fetch section behind it.
 */
import { describe, expect, it } from 'vitest';
import {
  CorsError,
  createCorsPolicy,
  explainCorsDecision,
  type CorsDecision,
  type CorsExplanation,
  type CorsPolicy,
} from '../src/index.js';
import { specPolicies, specVectors } from './vectors.js';

const APP = 'https://app.example.com';
const explain = (policy: CorsPolicy, request: Parameters<CorsPolicy['decide']>[0]) =>
  explainCorsDecision(policy, request) as CorsExplanation;
const steps = (explanation: CorsExplanation) =>
  explanation.trace.map(({ step, outcome }) => `${step}:${outcome}`);

describe('explainCorsDecision', () => {
  const policies = new Map(
    Object.entries(specPolicies).map(([name, options]) => [name, createCorsPolicy(options)]),
  );
  for (const vector of specVectors) {
    it(`decides as decide does: ${vector.name}`, () => {
      const policy = policies.get(vector.policy)!;
      const { decision, trace } = explain(policy, vector.request);
      expect(decision).toEqual(policy.decide(vector.request));
      expect(trace[0]?.step).toBe('classify');
      expect(trace[trace.length - 1]).toMatchObject({ step: 'response', outcome: decision.reason });
      for (const step of trace) expect(step.spec).toMatch(/§/);
    });
  }

  it('walks a preflight through every step, in the Fetch order', () => {
    const policy = createCorsPolicy({
      origin: [APP],
      credentials: true,
      allowedHeaders: ['X-Custom'],
      allowPrivateNetwork: true,
    });
    const explanation = explain(policy, {
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'PUT',
      requestHeaders: 'x-custom',
      requestPrivateNetwork: 'true',
    });
    expect(steps(explanation)).toEqual([
      'classify:preflight',
      'origin:allowed',
      'credentials:allowed',
      'method:allowed',
      'headers:allowed',
      'private-network:granted',
      'response:allowed',
    ]);
    expect(explanation.trace.map((step) => step.spec)).toEqual([
      'Fetch §3.2.2',
      'Fetch §4.10',
      'Fetch §3.2.5',
      'Fetch §4.8',
      'Fetch §4.8',
      'WICG Private Network Access §3.2 (legacy)',
      'Fetch §3.2.3',
    ]);
    expect(Object.isFrozen(explanation.trace)).toBe(true);
  });

  it('says which step refused, with the value and the option', () => {
    const policy = createCorsPolicy({ origin: [APP], methods: ['GET'], allowedHeaders: [] });
    const method = explain(policy, { method: 'OPTIONS', origin: APP, requestMethod: 'PUT' });
    expect(steps(method)).toEqual([
      'classify:preflight',
      'origin:allowed',
      'credentials:not-allowed',
      'method:method-not-allowed',
      'response:method-not-allowed',
    ]);
    expect(method.trace[3]?.detail).toContain('`methods`');
    const header = explain(policy, {
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'GET',
      requestHeaders: 'x-a',
    });
    expect(steps(header)).toContain('headers:header-not-allowed');
    const origin = explain(policy, { method: 'GET', origin: 'https://evil.example' });
    expect(steps(origin)).toEqual([
      'classify:actual',
      'origin:not-allowed',
      'response:origin-not-allowed',
    ]);
    expect(origin.trace[2]?.detail).toBe('No CORS response header; Vary: Origin; the route runs.');
    expect(steps(explain(policy, { method: 'GET', origin: 'https://x/' }))).toContain(
      'origin:malformed',
    );
    expect(steps(explain(policy, { method: 'GET' }))).toEqual([
      'classify:not-cors',
      'response:no-origin',
    ]);
  });

  it('explains the reflected headers, the safelisted methods, and a request without headers', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const reflected = explain(policy, {
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'POST',
      requestHeaders: 'x-a',
    });
    expect(reflected.trace.find((s) => s.step === 'headers')?.detail).toContain('reflected');
    expect(reflected.trace.find((s) => s.step === 'method')?.detail).toContain('CORS-safelisted');
    const none = explain(policy, { method: 'OPTIONS', origin: APP, requestMethod: 'PATCH' });
    expect(steps(none)).toContain('headers:none-requested');
    expect(none.trace.find((s) => s.step === 'method')?.detail).toContain('`methods` option');
    const pna = explain(policy, {
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'GET',
      requestPrivateNetwork: 'true',
    });
    expect(steps(pna)).toContain('private-network:not-allowed');
    expect(pna.decision.reason).toBe('private-network-not-allowed');
  });

  it("explains '*' and an origin allowed by a function", () => {
    const star = explain(createCorsPolicy({ origin: '*' }), { method: 'GET', origin: APP });
    expect(steps(star)).toEqual(['classify:actual', 'origin:allowed', 'response:allowed']);
    const fn = explain(createCorsPolicy({ origin: () => true, credentials: () => false }), {
      method: 'GET',
      origin: APP,
    });
    expect(fn.trace[1]?.detail).toContain('`origin` function');
    expect(fn.trace[2]?.detail).toContain('a function that said false');
  });

  it('returns a promise when an origin or credentials function does', async () => {
    const policy = createCorsPolicy({ origin: async () => true, credentials: async () => true });
    const pending = explainCorsDecision(policy, { method: 'GET', origin: APP });
    expect(pending).toBeInstanceOf(Promise);
    const { decision, trace } = await pending;
    expect(decision).toEqual(await policy.decide({ method: 'GET', origin: APP }));
    expect(trace.map((step) => step.step)).toEqual([
      'classify',
      'origin',
      'credentials',
      'response',
    ]);
  });

  it('refuses something that is not a policy of this copy of the package', () => {
    const fake = {
      decide: () => ({}) as CorsDecision,
      options: {},
      warnings: [],
    } as unknown as CorsPolicy;
    expect(() => explainCorsDecision(fake, { method: 'GET' })).toThrow(CorsError);
    expect(() => explainCorsDecision(fake, { method: 'GET' })).toThrow(
      expect.objectContaining({ code: 'ERR_CORS_NOT_A_POLICY' }),
    );
  });
});
