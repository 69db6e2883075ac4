/**
 * `explain` offline must reach the verdict the live doctor reaches against a real server running
 * the same policy: the decision's headers are what the adapter sends.
 */
import { createCorsPolicy, type CorsOptions } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../src/explain.js';
import { diagnose } from '../src/probe.js';
import { serverTrace } from '../src/server-trace.js';
import type { PageRequest } from '../src/types.js';
import { oursNode, type RunningServer } from './servers.js';

const PAGE = 'https://app.example.com';
const OPTIONS: CorsOptions = {
  origin: [PAGE],
  credentials: true,
  methods: ['GET', 'PUT'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  maxAge: 600,
};
let server: RunningServer;

beforeAll(async () => {
  server = await oursNode(OPTIONS);
});
afterAll(() => server?.close());

const REQUESTS: [string, Omit<PageRequest, 'url'>][] = [
  ['GET with credentials', { origin: PAGE, method: 'GET', headers: [], credentials: true }],
  [
    'PUT JSON',
    {
      origin: PAGE,
      method: 'PUT',
      headers: [['Content-Type', 'application/json']],
      credentials: true,
    },
  ],
  [
    'PUT with Authorization',
    { origin: PAGE, method: 'PUT', headers: [['Authorization', 'Bearer x']], credentials: true },
  ],
  ['DELETE', { origin: PAGE, method: 'DELETE', headers: [], credentials: true }],
  [
    'a header not listed',
    { origin: PAGE, method: 'PUT', headers: [['X-Foo', '1']], credentials: false },
  ],
  [
    'another origin',
    { origin: 'https://evil.example', method: 'GET', headers: [], credentials: false },
  ],
  ['lower-case put, normalized', { origin: PAGE, method: 'put', headers: [], credentials: true }],
];

describe('explain agrees with the live doctor on the same policy', () => {
  it.each(REQUESTS)('%s', async (_name, request) => {
    const url = `${server.base}/api`;
    const offline = await explain(createCorsPolicy(OPTIONS), { ...request, url });
    const live = await diagnose({ ...request, url }, { timeoutMs: 5000 });
    expect(live.probeError).toBeUndefined();
    expect(offline.allowed).toBe(live.allowed);
    expect(offline.preflight).toBe(live.preflight);
    const error = (findings: readonly { severity: string; message: string }[]) =>
      findings.find((finding) => finding.severity === 'error')?.message;
    expect(error(offline.findings)).toBe(error(live.findings));
  });
});

describe('serverTrace', () => {
  it("is the core's step-by-step explanation: a refused method names the option and the spec", async () => {
    const policy = createCorsPolicy(OPTIONS);
    const request = { method: 'OPTIONS', origin: PAGE, requestMethod: 'DELETE' } as const;
    const { decision, trace } = await serverTrace(policy, request);
    expect(decision).toEqual(await policy.decide(request));
    expect(decision.reason).toBe('method-not-allowed');
    expect(trace.map((line) => line.step)).toEqual([
      'classify',
      'origin',
      'credentials',
      'method',
      'response',
    ]);
    const method = trace.find((line) => line.step === 'method');
    expect(method?.detail).toMatch(/^method-not-allowed: .*DELETE.*`methods`.*\(Fetch §/);
    expect(trace.at(-1)?.detail).toMatch(/^method-not-allowed: .*answered now with status 204/);
  });
});
