import { describe, expect, it } from 'vitest';
import { CORS_RESPONSE_HEADERS, createCorsPolicy, type CorsDecision } from '../src/index.js';
import { specPolicies, specVectors } from './vectors.js';

describe('spec vectors (the table every adapter replays)', () => {
  const policies = new Map(
    Object.entries(specPolicies).map(([name, options]) => [name, createCorsPolicy(options)]),
  );

  it('has vectors for every policy it defines', () => {
    const used = new Set(specVectors.map((vector) => vector.policy));
    expect([...policies.keys()].filter((name) => !used.has(name))).toEqual([]);
  });

  for (const vector of specVectors) {
    it(vector.name, () => {
      const policy = policies.get(vector.policy);
      expect(policy, `unknown policy ${vector.policy}`).toBeDefined();
      const decision = policy!.decide(vector.request) as CorsDecision;
      const { message: _message, ...rest } = decision;
      expect(rest).toEqual(vector.expect);
      // A denial always says why in words; an allowed decision does not need to.
      if (!decision.allowed) expect(decision.message).toMatch(/\S/);
    });
  }
});

describe('CORS_RESPONSE_HEADERS', () => {
  it('names every header any spec decision sets, so adapters can clear an earlier answer', () => {
    const set = new Set<string>();
    for (const vector of specVectors)
      for (const name of Object.keys(vector.expect.headers)) set.add(name);
    for (const name of set) expect(CORS_RESPONSE_HEADERS).toContain(name);
    expect(Object.isFrozen(CORS_RESPONSE_HEADERS)).toBe(true);
  });
});
