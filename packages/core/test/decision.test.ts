/**
 * The contract of origin and credentials functions (a boolean, or a promise of one), and Private
 * Network Access as legacy (issue 14).
 */
import { describe, expect, it } from 'vitest';
import {
  ERR_CORS_FUNCTION_RESULT,
  corsDisabledDecision,
  createCorsPolicy,
  type CorsDecision,
  type CorsRequest,
  type OriginFunction,
} from '../src/index.js';

const APP = 'https://app.example.com';
const GET: CorsRequest = { method: 'GET', origin: APP };

describe('origin functions are held to their contract', () => {
  it('throws at the first call when an origin function returns the origin string (the Hono and @koa/cors idiom), saying return true', () => {
    const policy = createCorsPolicy({
      origin: ((origin: string) => origin) as unknown as OriginFunction,
    });
    expect(() => policy.decide(GET)).toThrow(
      expect.objectContaining({
        code: ERR_CORS_FUNCTION_RESULT,
        message: expect.stringContaining(
          'returned the origin string (the Hono and @koa/cors style)',
        ),
      }),
    );
    expect(() => policy.decide(GET)).toThrow(/Return true to allow it/);
  });

  it('throws when a two-argument function returns nothing, naming the callback style', () => {
    const policy = createCorsPolicy({
      origin: ((_origin: string, _request: CorsRequest) => undefined) as unknown as OriginFunction,
    });
    expect(() => policy.decide(GET)).toThrow(/If it takes a callback, \(origin, callback\)/);
  });

  it.each([['yes'], [1], [null], [{}]])(
    'throws when an origin function returns %j, naming the value and the fix',
    (value) => {
      const policy = createCorsPolicy({
        origin: function tenants() {
          return value;
        } as unknown as OriginFunction,
      });
      expect(() => policy.decide(GET)).toThrow(
        /The `origin` function tenants returned .*; it must return true or false/,
      );
    },
  );

  it('rejects when an async origin function resolves to something other than a boolean', async () => {
    const policy = createCorsPolicy({
      origin: (async (origin: string) => origin) as unknown as OriginFunction,
    });
    await expect(policy.decide(GET)).rejects.toMatchObject({ code: ERR_CORS_FUNCTION_RESULT });
  });

  it('moves on after an async false to the next entry', async () => {
    const policy = createCorsPolicy({ origin: [async () => false, async () => true] });
    expect((await policy.decide(GET)).allowed).toBe(true);
  });

  it('holds a credentials function to the same contract, sync and async', async () => {
    const sync = createCorsPolicy({
      origin: [APP],
      credentials: (() => 'yes') as unknown as () => boolean,
    });
    expect(() => sync.decide(GET)).toThrow(/The `credentials` function .*returned "yes"/);
    const async = createCorsPolicy({
      origin: [APP],
      credentials: (async () => 1) as unknown as () => boolean,
    });
    await expect(async.decide(GET)).rejects.toMatchObject({ code: ERR_CORS_FUNCTION_RESULT });
    const fine = createCorsPolicy({ origin: [APP], credentials: async () => false });
    expect((await fine.decide(GET)).headers).toEqual({ 'access-control-allow-origin': APP });
  });
});

describe('Private Network Access, legacy', () => {
  const preflight: CorsRequest = {
    method: 'OPTIONS',
    origin: APP,
    requestMethod: 'GET',
    requestPrivateNetwork: 'true',
  };

  it('answers a PNA preflight without allowPrivateNetwork as before, with a reason that names the option', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const decision = policy.decide(preflight) as CorsDecision;
    expect(decision).toMatchObject({
      allowed: true,
      reason: 'private-network-not-allowed',
      headers: { 'access-control-allow-origin': APP, 'access-control-allow-methods': 'GET' },
    });
    expect(decision.headers['access-control-allow-private-network']).toBeUndefined();
    expect(decision.message).toContain('allowPrivateNetwork: true');
  });

  it('keeps PNA and plain preflights apart in the kept answers', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const plain = { ...preflight, requestPrivateNetwork: undefined };
    expect((policy.decide(plain) as CorsDecision).reason).toBe('allowed');
    expect((policy.decide(preflight) as CorsDecision).reason).toBe('private-network-not-allowed');
    expect((policy.decide(plain) as CorsDecision).reason).toBe('allowed');
    expect((policy.decide(preflight) as CorsDecision).reason).toBe('private-network-not-allowed');
  });
});

it('names an anonymous origin function by its option alone', () => {
  const policy = createCorsPolicy({
    origin: [((origin: string) => origin) as unknown as OriginFunction],
  });
  expect(() => policy.decide(GET)).toThrow(/^The `origin` function returned the origin string/);
});

describe('the callback style, at start-up', () => {
  it.each([
    [
      '(origin, callback) => callback(null, true)',
      (origin: string, callback: (e: null, ok: boolean) => void) => callback(null, true),
    ],
    [
      'function (origin, cb) { cb(null, true) }',
      function (origin: string, cb: (e: null, ok: boolean) => void) {
        cb(null, true);
      },
    ],
    [
      'async (origin, done) => done(null, true)',
      async (origin: string, done: (e: null, ok: boolean) => void) => done(null, true),
    ],
    ['(origin, next) => next()', (origin: string, next: () => void) => next()],
  ])('refuses %s with a message of its own', (_text, fn) => {
    try {
      createCorsPolicy({ origin: fn as unknown as OriginFunction });
      expect.unreachable();
    } catch (error) {
      expect((error as { issues: { code: string; message: string }[] }).issues[0]).toMatchObject({
        code: 'origin_function_callback',
        message: expect.stringContaining('Return true or false instead'),
      });
    }
  });

  it('accepts (origin, request), which is how the core calls an origin function', () => {
    expect(() =>
      createCorsPolicy({ origin: (origin, request) => request.method === 'GET' && origin !== '' }),
    ).not.toThrow();
    expect(() => createCorsPolicy({ origin: [(origin) => origin !== ''] })).not.toThrow();
    expect(() =>
      createCorsPolicy({
        origin: ((a: string, b: string) => a === b) as unknown as OriginFunction,
      }),
    ).not.toThrow();
  });
});

describe('the shape of a decision', () => {
  it('is the same eight keys in the same order for every kind, frozen, headers included', async () => {
    const policy = createCorsPolicy({
      origin: [APP, /^https:\/\/[a-z]+\.example\.com$/],
      credentials: true,
      methods: ['GET', 'PUT'],
      allowedHeaders: ['content-type'],
      allowPrivateNetwork: false,
    });
    const open = createCorsPolicy({ origin: '*', exposedHeaders: ['x-id'] });
    const byFunction = createCorsPolicy({ origin: async (origin: string) => origin === APP });
    const preflight = (origin: string, requestMethod: string, extra = {}) => ({
      method: 'OPTIONS',
      origin,
      requestMethod,
      ...extra,
    });
    const decisions = [
      policy.decide({ method: 'GET', origin: APP }),
      policy.decide({ method: 'GET', origin: 'https://evil.example' }),
      policy.decide({ method: 'GET', origin: 'https://%' }),
      policy.decide({ method: 'GET' }),
      policy.decide({ method: 'OPTIONS' }),
      policy.decide({ method: 'OPTIONS', origin: APP }),
      policy.decide(preflight(APP, 'PUT')),
      policy.decide(preflight(APP, 'DELETE')),
      policy.decide(preflight(APP, 'PUT', { requestHeaders: 'x-other' })),
      policy.decide(preflight(APP, 'PUT', { requestPrivateNetwork: 'true' })),
      policy.decide(preflight('https://evil.example', 'PUT')),
      open.decide({ method: 'GET', origin: APP }),
      open.decide({ method: 'GET' }),
      open.decide(preflight(APP, 'PUT')),
      await byFunction.decide({ method: 'GET', origin: APP }),
      corsDisabledDecision({ method: 'GET', origin: APP }),
      corsDisabledDecision({ method: 'GET' }),
      corsDisabledDecision(preflight(APP, 'PUT')),
    ] as CorsDecision[];
    const keys = ['kind', 'allowed', 'reason', 'message', 'headers', 'vary', 'end', 'status'];
    for (const decision of decisions) {
      expect(Object.keys(decision)).toEqual(keys);
      expect(Object.isFrozen(decision) && Object.isFrozen(decision.headers)).toBe(true);
    }
    // Every kind and reason is in the list above.
    expect(new Set(decisions.map((d) => d.kind))).toEqual(
      new Set(['actual', 'preflight', 'not-cors']),
    );
  });
});
