import { describe, expect, it, vi } from 'vitest';
import {
  DENIED_ORIGIN_PREFLIGHT_STATUS,
  MAX_REQUEST_HEADERS_COUNT,
  MAX_REQUEST_HEADERS_LENGTH,
  createCorsPolicy,
  type CorsDecision,
  type CorsRequest,
} from '../src/index.js';

const APP = 'https://app.example.com';
const sync = (d: CorsDecision | Promise<CorsDecision>) => {
  expect(d).not.toBeInstanceOf(Promise);
  return d as CorsDecision;
};
const preflight = (
  origin: string,
  requestMethod: string,
  requestHeaders?: string,
): CorsRequest => ({
  method: 'OPTIONS',
  origin,
  requestMethod,
  requestHeaders,
});

describe('classifying requests (Fetch §3.2.2)', () => {
  const policy = createCorsPolicy({ origin: [APP] });

  it('treats a request without Origin as not CORS, whatever its other headers', () => {
    expect(sync(policy.decide({ method: 'GET', requestMethod: 'PUT' })).kind).toBe('not-cors');
    expect(
      sync(policy.decide({ method: 'OPTIONS', origin: null, requestMethod: 'PUT' })).kind,
    ).toBe('not-cors');
  });

  it('treats OPTIONS with Origin but without Access-Control-Request-Method as an actual request that reaches the route', () => {
    const decision = sync(policy.decide({ method: 'OPTIONS', origin: APP }));
    expect(decision).toMatchObject({ kind: 'actual', allowed: true, end: false });
  });

  it('does not treat every OPTIONS as a preflight (unlike Hono)', () => {
    expect(sync(policy.decide({ method: 'OPTIONS', origin: APP, requestMethod: null })).kind).toBe(
      'actual',
    );
  });

  it('treats a non-OPTIONS request carrying Access-Control-Request-Method as actual', () => {
    expect(sync(policy.decide({ method: 'POST', origin: APP, requestMethod: 'PUT' })).kind).toBe(
      'actual',
    );
  });

  it('treats an empty Access-Control-Request-Method as a malformed preflight, never echoed', () => {
    const decision = sync(policy.decide(preflight(APP, '')));
    expect(decision).toMatchObject({
      kind: 'preflight',
      allowed: false,
      reason: 'method-malformed',
      end: true,
    });
    expect(decision.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('Access-Control-Allow-Origin', () => {
  it('echoes the allowed origin byte for byte, never a list', () => {
    const policy = createCorsPolicy({ origin: [APP, 'https://admin.example.com'] });
    expect(
      sync(policy.decide({ method: 'GET', origin: APP })).headers['access-control-allow-origin'],
    ).toBe(APP);
  });

  it('does not reflect an arbitrary Origin when credentials are on', () => {
    const policy = createCorsPolicy({ origin: [APP], credentials: true });
    const decision = sync(policy.decide({ method: 'GET', origin: 'https://evil.example' }));
    expect(decision).toMatchObject({ allowed: false, reason: 'origin-not-allowed', headers: {} });
  });

  it('never sends Access-Control-Allow-Credentials on a response whose origin was not allowed', () => {
    const policy = createCorsPolicy({ origin: [APP], credentials: true });
    for (const request of [
      { method: 'GET', origin: 'https://evil.example' },
      preflight('https://evil.example', 'PUT'),
      preflight('not an origin', 'PUT'),
    ]) {
      expect(
        sync(policy.decide(request)).headers['access-control-allow-credentials'],
      ).toBeUndefined();
    }
  });

  it("sends null only when 'null' is listed", () => {
    expect(
      sync(createCorsPolicy({ origin: [APP] }).decide({ method: 'GET', origin: 'null' })).allowed,
    ).toBe(false);
    const listed = createCorsPolicy({ origin: ['null'] });
    expect(
      sync(listed.decide({ method: 'GET', origin: 'null' })).headers['access-control-allow-origin'],
    ).toBe('null');
  });

  it('never passes a malformed origin to a RegExp or a function', () => {
    const originFunction = vi.fn(() => true);
    const policy = createCorsPolicy({
      origin: [/^https:\/\/[a-z]+\.example\.com$/, originFunction],
    });
    const decision = sync(policy.decide({ method: 'GET', origin: 'https://x.example.com/' }));
    expect(decision.reason).toBe('origin-malformed');
    expect(originFunction).not.toHaveBeenCalled();
  });

  it("never passes the 'null' origin to a function or RegExp unless 'null' is listed", () => {
    const originFunction = vi.fn(() => true);
    const policy = createCorsPolicy({
      origin: [/^https:\/\/[a-z]+\.example\.com$/, originFunction],
    });
    expect(sync(policy.decide({ method: 'GET', origin: 'null' })).allowed).toBe(false);
    expect(originFunction).not.toHaveBeenCalled();
  });

  it('tries every RegExp in order', () => {
    const policy = createCorsPolicy({
      origin: [/^https:\/\/a\.example\.com$/, /^https:\/\/b\.example\.com$/],
    });
    expect(sync(policy.decide({ method: 'GET', origin: 'https://b.example.com' })).allowed).toBe(
      true,
    );
    expect(sync(policy.decide({ method: 'GET', origin: 'https://c.example.com' })).allowed).toBe(
      false,
    );
  });

  it('strips g and y flags so a RegExp gives the same answer every time', () => {
    const policy = createCorsPolicy({ origin: /^https:\/\/app\.example\.com$/gy });
    for (let i = 0; i < 3; i++)
      expect(sync(policy.decide({ method: 'GET', origin: APP })).allowed).toBe(true);
  });

  it('keeps a RegExp without g or y as given', () => {
    const regexp = /^https:\/\/app\.example\.com$/i;
    expect(createCorsPolicy({ origin: regexp }).options.origin).toEqual([regexp]);
  });

  it('matches a port pattern on any port but not on another host', () => {
    const policy = createCorsPolicy({ origin: 'http://localhost:*' });
    expect(sync(policy.decide({ method: 'GET', origin: 'http://localhost:1' })).allowed).toBe(true);
    expect(
      sync(policy.decide({ method: 'GET', origin: 'http://localhost.evil.com:1' })).allowed,
    ).toBe(false);
    expect(sync(policy.decide({ method: 'GET', origin: 'https://localhost:1' })).allowed).toBe(
      false,
    );
  });

  it('matches a subdomain pattern only on its port', () => {
    const policy = createCorsPolicy({ origin: 'https://*.example.com:8443' });
    expect(
      sync(policy.decide({ method: 'GET', origin: 'https://a.example.com:8443' })).allowed,
    ).toBe(true);
    expect(sync(policy.decide({ method: 'GET', origin: 'https://a.example.com' })).allowed).toBe(
      false,
    );
    expect(sync(policy.decide({ method: 'GET', origin: 'https://[::1]:8443' })).allowed).toBe(
      false,
    );
  });

  it.each([
    'https://example.com',
    'https://evilexample.com',
    'https://example.com.evil.com',
    'https://a.example.com.evil.com',
    'http://a.example.com',
    'https://a.example.co',
  ])('does not let %s through https://*.example.com', (origin) => {
    const policy = createCorsPolicy({ origin: 'https://*.example.com' });
    expect(sync(policy.decide({ method: 'GET', origin })).allowed).toBe(false);
  });

  it('passes the request to an origin function', () => {
    const originFunction = vi.fn((origin: string) => origin.endsWith('.example.com'));
    const policy = createCorsPolicy({ origin: originFunction });
    const request = { method: 'GET', origin: APP };
    expect(sync(policy.decide(request)).allowed).toBe(true);
    expect(originFunction).toHaveBeenCalledWith(APP, request);
  });

  it('treats false from an origin function as not allowed, and moves on to the next entry', () => {
    const policy = createCorsPolicy({ origin: [() => false, (origin) => origin === APP] });
    expect(sync(policy.decide({ method: 'GET', origin: APP })).allowed).toBe(true);
    expect(sync(policy.decide({ method: 'GET', origin: 'https://b.example' })).allowed).toBe(false);
  });
});

describe('async options', () => {
  it('returns a promise only when a function returns one', async () => {
    const policy = createCorsPolicy({ origin: async (origin: string) => origin === APP });
    const pending = policy.decide({ method: 'GET', origin: APP });
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).allowed).toBe(true);
    expect((await policy.decide({ method: 'GET', origin: 'https://evil.example' })).allowed).toBe(
      false,
    );
  });

  it('stays synchronous for requests that never call the async function', () => {
    const policy = createCorsPolicy({ origin: [APP, async () => false] });
    expect(policy.decide({ method: 'GET', origin: APP })).not.toBeInstanceOf(Promise);
    expect(policy.decide({ method: 'GET' })).not.toBeInstanceOf(Promise);
  });

  it('tries later entries after an async function says no', async () => {
    const policy = createCorsPolicy({
      origin: [async () => false, (origin: string) => origin === APP],
    });
    expect((await policy.decide({ method: 'GET', origin: APP })).allowed).toBe(true);
  });

  it('resolves credentials from an async function per request', async () => {
    const policy = createCorsPolicy({
      origin: [APP],
      credentials: async (origin: string) => origin === APP,
    });
    const decision = await policy.decide({ method: 'GET', origin: APP });
    expect(decision.headers['access-control-allow-credentials']).toBe('true');
    const pre = await policy.decide(preflight(APP, 'PUT'));
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
  });

  it('omits credentials when a credentials function says no', () => {
    const policy = createCorsPolicy({ origin: [APP], credentials: () => false });
    const decision = sync(policy.decide({ method: 'GET', origin: APP }));
    expect(decision.allowed).toBe(true);
    expect(decision.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('rejects when an async function rejects, so the adapter can hand the error on', async () => {
    const policy = createCorsPolicy({ origin: async () => Promise.reject(new Error('db down')) });
    await expect(policy.decide({ method: 'GET', origin: APP })).rejects.toThrow('db down');
  });
});

describe('preflights (Fetch §4.8)', () => {
  const policy = createCorsPolicy({
    origin: [APP],
    methods: ['PUT', 'PATCH'],
    allowedHeaders: ['X-Custom', 'Content-Type'],
    maxAge: 0,
  });

  it('echoes only the requested method and sends maxAge 0, which disables the browser cache', () => {
    const decision = sync(policy.decide(preflight(APP, 'PATCH', 'x-custom')));
    expect(decision.headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'PATCH',
      'access-control-allow-headers': 'x-custom,content-type',
      'access-control-max-age': '0',
    });
    expect(decision).toMatchObject({ end: true, status: 204 });
  });

  it('allows GET, HEAD and POST without listing them', () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(sync(policy.decide(preflight(APP, method))).allowed).toBe(true);
    }
  });

  it('refuses a disallowed origin with 403 and no CORS headers at all', () => {
    const decision = sync(policy.decide(preflight('https://evil.example', 'PUT', 'x-custom')));
    expect(decision).toMatchObject({
      allowed: false,
      end: true,
      status: DENIED_ORIGIN_PREFLIGHT_STATUS,
      headers: {},
    });
  });

  it('refuses a method with an ok status and ACAO, so the browser names the method', () => {
    const decision = sync(policy.decide(preflight(APP, 'DELETE')));
    expect(decision).toMatchObject({ allowed: false, reason: 'method-not-allowed', status: 204 });
    expect(decision.headers).toEqual({ 'access-control-allow-origin': APP });
    expect(decision.message).toContain('"DELETE"');
  });

  it.each([
    ['a method list', 'PUT,DELETE'],
    ['a space', 'PU T'],
    ['CR/LF', 'PUT\r\nX: y'],
    ['an overlong method', 'A'.repeat(65)],
  ])('never echoes a requested method with %s', (_label, requestMethod) => {
    const decision = sync(policy.decide(preflight(APP, requestMethod)));
    expect(decision.reason).toBe('method-malformed');
    expect(JSON.stringify(decision.headers)).not.toContain(requestMethod);
  });

  it('refuses a header with ACAO and the method, so the browser names the header', () => {
    const decision = sync(policy.decide(preflight(APP, 'PUT', 'x-custom,x-other')));
    expect(decision).toMatchObject({ allowed: false, reason: 'header-not-allowed', status: 204 });
    expect(decision.headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'PUT',
    });
    expect(decision.message).toContain('"x-other"');
  });

  it('treats an empty Access-Control-Request-Headers as no headers', () => {
    expect(sync(policy.decide(preflight(APP, 'PUT', ''))).allowed).toBe(true);
  });

  it(`refuses more than ${MAX_REQUEST_HEADERS_COUNT} requested names and more than ${MAX_REQUEST_HEADERS_LENGTH} characters`, () => {
    const many = Array.from({ length: MAX_REQUEST_HEADERS_COUNT + 1 }, (_, i) => `x-${i}`).join(
      ',',
    );
    expect(sync(policy.decide(preflight(APP, 'PUT', many))).reason).toBe('headers-too-large');
    const long = `x-${'a'.repeat(MAX_REQUEST_HEADERS_LENGTH)}`;
    expect(sync(policy.decide(preflight(APP, 'PUT', long))).reason).toBe('headers-too-large');
  });

  it.each([',', 'x-a,', ',x-a', 'x-a,,x-b', 'x a', 'x-a;x-b', ' , ', 'x-é'])(
    'refuses the malformed header list %j without echoing it',
    (requestHeaders) => {
      const reflecting = createCorsPolicy({ origin: [APP] });
      const decision = sync(reflecting.decide(preflight(APP, 'PUT', requestHeaders)));
      expect(decision.reason).toBe('headers-malformed');
      expect(decision.headers['access-control-allow-headers']).toBeUndefined();
    },
  );

  it('reflects a canonical header list as sent and normalises any other', () => {
    const reflecting = createCorsPolicy({ origin: [APP] });
    expect(
      sync(reflecting.decide(preflight(APP, 'PUT', 'x-a,x-b'))).headers[
        'access-control-allow-headers'
      ],
    ).toBe('x-a,x-b');
    expect(
      sync(reflecting.decide(preflight(APP, 'PUT', 'X-A,\tx-b '))).headers[
        'access-control-allow-headers'
      ],
    ).toBe('x-a,x-b');
  });

  it('allows a preflight of a listed custom method exactly as listed', () => {
    const custom = createCorsPolicy({ origin: [APP], methods: ['patch'] });
    expect(sync(custom.decide(preflight(APP, 'patch'))).allowed).toBe(true);
    expect(sync(custom.decide(preflight(APP, 'PATCH'))).allowed).toBe(false);
  });

  it("allows any method with methods: '*' and echoes it", () => {
    const any = createCorsPolicy({ origin: '*', methods: '*' });
    expect(
      sync(any.decide(preflight('https://x.example', 'PROPFIND'))).headers[
        'access-control-allow-methods'
      ],
    ).toBe('PROPFIND');
  });

  it('passes an allowed preflight on with preflightContinue and still ends a denied one', () => {
    const continuing = createCorsPolicy({ origin: [APP], preflightContinue: true });
    expect(sync(continuing.decide(preflight(APP, 'PUT')))).toMatchObject({
      allowed: true,
      end: false,
      status: undefined,
    });
    expect(sync(continuing.decide(preflight(APP, 'PROPFIND')))).toMatchObject({
      allowed: false,
      end: true,
    });
  });

  it('answers Private Network Access only when asked with exactly "true"', () => {
    const pna = createCorsPolicy({ origin: [APP], allowPrivateNetwork: true });
    const asked = sync(pna.decide({ ...preflight(APP, 'GET'), requestPrivateNetwork: 'true' }));
    expect(asked.headers['access-control-allow-private-network']).toBe('true');
    const other = sync(pna.decide({ ...preflight(APP, 'GET'), requestPrivateNetwork: 'TRUE' }));
    expect(other.headers['access-control-allow-private-network']).toBeUndefined();
    const off = createCorsPolicy({ origin: [APP] });
    const notAllowed = sync(
      off.decide({ ...preflight(APP, 'GET'), requestPrivateNetwork: 'true' }),
    );
    expect(notAllowed.headers['access-control-allow-private-network']).toBeUndefined();
  });
});

describe('Vary (Fetch §3.2.3, CORS and HTTP caches)', () => {
  const listed = createCorsPolicy({ origin: [APP] });
  const wildcard = createCorsPolicy({ origin: '*' });

  it('varies on Origin for allowed, denied and origin-less responses alike', () => {
    expect(sync(listed.decide({ method: 'GET', origin: APP })).vary).toBe('Origin');
    expect(sync(listed.decide({ method: 'GET', origin: 'https://evil.example' })).vary).toBe(
      'Origin',
    );
    expect(sync(listed.decide({ method: 'GET' })).vary).toBe('Origin');
  });

  it("never varies on Origin for a static '*', and sends '*' with or without Origin", () => {
    expect(sync(wildcard.decide({ method: 'GET', origin: APP }))).toMatchObject({
      vary: '',
      headers: { 'access-control-allow-origin': '*' },
    });
    expect(sync(wildcard.decide({ method: 'GET' }))).toMatchObject({
      vary: '',
      headers: { 'access-control-allow-origin': '*' },
    });
  });

  it('varies OPTIONS responses on the preflight request headers too', () => {
    const expected = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
    expect(sync(listed.decide(preflight(APP, 'PUT'))).vary).toBe(expected);
    expect(sync(listed.decide({ method: 'OPTIONS', origin: APP })).vary).toBe(expected);
    expect(sync(listed.decide({ method: 'OPTIONS', origin: 'https://evil.example' })).vary).toBe(
      expected,
    );
    expect(sync(listed.decide({ method: 'OPTIONS' })).vary).toBe(expected);
    expect(sync(wildcard.decide({ method: 'OPTIONS', origin: APP })).vary).toBe(
      'Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });
});

describe('decisions', () => {
  it('shares frozen decisions for requests that do not depend on the origin', () => {
    const policy = createCorsPolicy({ origin: '*' });
    const first = policy.decide({ method: 'GET', origin: APP });
    expect(first).toBe(policy.decide({ method: 'GET', origin: 'https://other.example' }));
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('builds a message from a megabyte-long origin in time that does not depend on its length', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const huge = `https://${'a'.repeat(1 << 20)}`;
    const decision = sync(policy.decide({ method: 'GET', origin: huge }));
    expect(decision.message!.length).toBeLessThan(250);
    expect(decision.message).toContain('…');
  });

  it('bounds and escapes the offending value in a message', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const decision = sync(
      policy.decide({ method: 'GET', origin: `https://${'x'.repeat(500)}\r\n` }),
    );
    expect(decision.message!.length).toBeLessThan(250);
    expect(decision.message).not.toMatch(/[\r\n]/);
  });
});

describe('ready-made answers', () => {
  it('reuses one frozen allowed answer per listed origin', () => {
    const policy = createCorsPolicy({ origin: [APP], credentials: true });
    const first = sync(policy.decide({ method: 'GET', origin: APP }));
    expect(sync(policy.decide({ method: 'POST', origin: APP }))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.headers)).toBe(true);
  });

  it('never reuses an answer that a credentials function decides per request', () => {
    let allow = true;
    const policy = createCorsPolicy({ origin: [APP], credentials: () => allow });
    expect(
      sync(policy.decide({ method: 'GET', origin: APP })).headers[
        'access-control-allow-credentials'
      ],
    ).toBe('true');
    allow = false;
    expect(
      sync(policy.decide({ method: 'GET', origin: APP })).headers[
        'access-control-allow-credentials'
      ],
    ).toBeUndefined();
  });

  it('keeps at most ACTUAL_CACHE_LIMIT answers: when full it starts over, and every origin is still answered right', async () => {
    const { ACTUAL_CACHE_LIMIT } = await import('../src/memo.js');
    const origins = Array.from(
      { length: ACTUAL_CACHE_LIMIT + 5 },
      (_, i) => `https://o${i}.example.com`,
    );
    const policy = createCorsPolicy({ origin: origins });
    const firstAnswer = sync(policy.decide({ method: 'GET', origin: origins[0] }));
    for (const origin of origins) policy.decide({ method: 'GET', origin });
    const last = origins[origins.length - 1]!;
    expect(sync(policy.decide({ method: 'GET', origin: last })).headers).toEqual({
      'access-control-allow-origin': last,
    });
    // Emptied when it filled up: the first origin gets a new answer, as right as the old one.
    const again = sync(policy.decide({ method: 'GET', origin: origins[0] }));
    expect(again).not.toBe(firstAnswer);
    expect(again).toEqual(firstAnswer);
  });

  it("keeps a pattern's answer per origin, each naming its own origin", () => {
    const policy = createCorsPolicy({ origin: 'https://*.example.com' });
    const a = sync(policy.decide({ method: 'GET', origin: 'https://a.example.com' }));
    expect(sync(policy.decide({ method: 'GET', origin: 'https://a.example.com' }))).toBe(a);
    const b = sync(policy.decide({ method: 'GET', origin: 'https://b.example.com' }));
    expect(b.headers['access-control-allow-origin']).toBe('https://b.example.com');
    expect(a.headers['access-control-allow-origin']).toBe('https://a.example.com');
  });

  it('keeps refusals frozen, from the second time an origin is refused, when no origin function could change its mind', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const request = { method: 'GET', origin: 'https://evil.example' };
    const once = sync(policy.decide(request));
    const refused = sync(policy.decide(request));
    expect(refused).not.toBe(once);
    expect(refused).toEqual(once);
    expect(sync(policy.decide(request))).toBe(refused);
    expect(Object.isFrozen(refused)).toBe(true);
    const bad = { method: 'GET', origin: 'https://EVIL.example' };
    sync(policy.decide(bad));
    const malformed = sync(policy.decide(bad));
    expect(malformed.reason).toBe('origin-malformed');
    expect(sync(policy.decide(bad))).toBe(malformed);
    const preflightRequest = preflight('https://evil.example', 'PUT');
    sync(policy.decide(preflightRequest));
    const refusedPreflight = sync(policy.decide(preflightRequest));
    expect(sync(policy.decide(preflightRequest))).toBe(refusedPreflight);
  });

  it('keeps nothing for a flood of one-off refused origins, and still keeps a repeated one after it', async () => {
    const { REFUSED_CACHE_LIMIT } = await import('../src/memo.js');
    const policy = createCorsPolicy({ origin: [APP] });
    for (let i = 0; i <= REFUSED_CACHE_LIMIT; i++) {
      sync(policy.decide({ method: 'GET', origin: `https://once${i}.example` }));
    }
    const request = { method: 'GET', origin: 'https://again.example' };
    sync(policy.decide(request));
    const kept = sync(policy.decide(request));
    expect(sync(policy.decide(request))).toBe(kept);
  });

  it('asks an origin function again on every request, for refusals and grants alike', () => {
    let allow = false;
    const policy = createCorsPolicy({ origin: [APP, () => allow] });
    const other = 'https://other.example';
    expect(sync(policy.decide({ method: 'GET', origin: other })).allowed).toBe(false);
    allow = true;
    expect(sync(policy.decide({ method: 'GET', origin: other })).allowed).toBe(true);
    expect(sync(policy.decide(preflight(other, 'PUT'))).allowed).toBe(true);
    allow = false;
    expect(sync(policy.decide({ method: 'GET', origin: other })).allowed).toBe(false);
    expect(sync(policy.decide(preflight(other, 'PUT'))).allowed).toBe(false);
    // A malformed origin never reaches the function, so its refusal is kept even here (from the
    // second time it is refused).
    sync(policy.decide({ method: 'GET', origin: 'https://x.example/' }));
    const malformed = sync(policy.decide({ method: 'GET', origin: 'https://x.example/' }));
    expect(sync(policy.decide({ method: 'GET', origin: 'https://x.example/' }))).toBe(malformed);
  });

  it('keeps no answer for an origin longer than KEPT_ORIGIN_MAX_LENGTH, allowed or refused', async () => {
    const { KEPT_ORIGIN_MAX_LENGTH } = await import('../src/memo.js');
    // A host of 250 characters (labels of at most 63, a name of at most 253).
    const long = `https://${`${'a'.repeat(60)}.`.repeat(4)}ex.com`;
    expect(long.length).toBeGreaterThan(KEPT_ORIGIN_MAX_LENGTH);
    const policy = createCorsPolicy({ origin: [long] });
    const allowed = sync(policy.decide({ method: 'GET', origin: long }));
    expect(allowed.headers['access-control-allow-origin']).toBe(long);
    expect(sync(policy.decide({ method: 'GET', origin: long }))).not.toBe(allowed);
    const preflightAnswer = sync(policy.decide(preflight(long, 'PUT')));
    expect(preflightAnswer.allowed).toBe(true);
    expect(sync(policy.decide(preflight(long, 'PUT')))).not.toBe(preflightAnswer);
    const refusedOrigin = `${long}/`;
    const refused = sync(policy.decide({ method: 'GET', origin: refusedOrigin }));
    expect(refused.reason).toBe('origin-malformed');
    expect(sync(policy.decide({ method: 'GET', origin: refusedOrigin }))).not.toBe(refused);
  });

  it('keeps at most REFUSED_CACHE_LIMIT refusals, apart from the allowed answers', async () => {
    const { REFUSED_CACHE_LIMIT } = await import('../src/memo.js');
    const policy = createCorsPolicy({ origin: [APP] });
    const allowed = sync(policy.decide({ method: 'GET', origin: APP }));
    const first = sync(policy.decide({ method: 'GET', origin: 'https://evil0.example' }));
    for (let i = 1; i <= REFUSED_CACHE_LIMIT + 5; i++) {
      expect(
        sync(policy.decide({ method: 'GET', origin: `https://evil${i}.example` })).allowed,
      ).toBe(false);
    }
    // A flood of refused origins empties the refusals, never the allowed answers.
    expect(sync(policy.decide({ method: 'GET', origin: APP }))).toBe(allowed);
    const again = sync(policy.decide({ method: 'GET', origin: 'https://evil0.example' }));
    expect(again).not.toBe(first);
    expect(again.reason).toBe('origin-not-allowed');
  });

  it('does not keep answers to OPTIONS requests that are not preflights', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const first = sync(policy.decide({ method: 'OPTIONS', origin: APP }));
    expect(sync(policy.decide({ method: 'OPTIONS', origin: APP }))).not.toBe(first);
    const refused = sync(policy.decide({ method: 'OPTIONS', origin: 'https://evil.example' }));
    expect(refused.vary).toContain('Access-Control-Request-Method');
    expect(sync(policy.decide({ method: 'OPTIONS', origin: 'https://evil.example' }))).not.toBe(
      refused,
    );
  });
});

describe('ready-made preflight answers', () => {
  const options = {
    origin: [APP],
    methods: ['GET', 'PUT', 'DELETE'],
    allowedHeaders: ['X-A', 'X-B'],
  };

  it('reuses one frozen answer for the same origin, method and header list', () => {
    const policy = createCorsPolicy(options);
    const first = sync(policy.decide(preflight(APP, 'PUT', 'x-a')));
    expect(sync(policy.decide(preflight(APP, 'PUT', 'x-a')))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.headers)).toBe(true);
  });

  it('answers another method or header list on its own terms', () => {
    const policy = createCorsPolicy(options);
    policy.decide(preflight(APP, 'PUT', 'x-a'));
    expect(sync(policy.decide(preflight(APP, 'DELETE', 'x-a'))).headers).toMatchObject({
      'access-control-allow-methods': 'DELETE',
    });
    expect(sync(policy.decide(preflight(APP, 'PATCH', 'x-a')))).toMatchObject({
      allowed: false,
      reason: 'method-not-allowed',
    });
    expect(sync(policy.decide(preflight(APP, 'PUT', 'x-c')))).toMatchObject({
      allowed: false,
      reason: 'header-not-allowed',
    });
    expect(sync(policy.decide(preflight(APP, 'PUT')))).toMatchObject({ allowed: true });
    expect(sync(policy.decide(preflight(APP, 'PUT', 'x-a'))).headers).toMatchObject({
      'access-control-allow-methods': 'PUT',
    });
    // And back: the kept refusals are refusals again.
    expect(sync(policy.decide(preflight(APP, 'PATCH', 'x-a'))).allowed).toBe(false);
    expect(sync(policy.decide(preflight(APP, 'PUT', 'x-c'))).allowed).toBe(false);
  });

  it('tells a Private Network Access preflight from a plain one', () => {
    const policy = createCorsPolicy({ ...options, allowPrivateNetwork: true });
    const plain = sync(policy.decide(preflight(APP, 'PUT')));
    const pna = sync(policy.decide({ ...preflight(APP, 'PUT'), requestPrivateNetwork: 'true' }));
    expect(plain.headers['access-control-allow-private-network']).toBeUndefined();
    expect(pna.headers['access-control-allow-private-network']).toBe('true');
    expect(
      sync(policy.decide(preflight(APP, 'PUT'))).headers['access-control-allow-private-network'],
    ).toBeUndefined();
  });

  it("keeps a refused origin's preflight answer whatever it asks for", () => {
    const policy = createCorsPolicy(options);
    sync(policy.decide(preflight('https://evil.example', 'PUT', 'x-a')));
    const refused = sync(policy.decide(preflight('https://evil.example', 'PUT', 'x-a')));
    expect(refused.status).toBe(DENIED_ORIGIN_PREFLIGHT_STATUS);
    expect(sync(policy.decide(preflight('https://evil.example', 'GET')))).toBe(refused);
  });

  it('keeps the answer of a wildcard policy once for every origin', () => {
    const policy = createCorsPolicy({ origin: '*', methods: ['PUT'] });
    const first = sync(policy.decide(preflight('https://a.example', 'PUT')));
    expect(sync(policy.decide(preflight('https://b.example', 'PUT')))).toBe(first);
    expect(first.headers['access-control-allow-origin']).toBe('*');
  });

  it('never keeps an answer that a credentials function decides per request', () => {
    let allow = true;
    const policy = createCorsPolicy({ ...options, credentials: () => allow });
    expect(
      sync(policy.decide(preflight(APP, 'PUT'))).headers['access-control-allow-credentials'],
    ).toBe('true');
    allow = false;
    expect(
      sync(policy.decide(preflight(APP, 'PUT'))).headers['access-control-allow-credentials'],
    ).toBeUndefined();
  });

  it('does not keep answers to long header lists', async () => {
    const { PREFLIGHT_CACHE_MAX_HEADERS_LENGTH } = await import('../src/memo.js');
    const policy = createCorsPolicy({ origin: [APP] });
    const long = Array.from(
      { length: PREFLIGHT_CACHE_MAX_HEADERS_LENGTH / 8 + 1 },
      (_, i) => `x-h${String(i).padStart(4, '0')}`,
    ).join(',');
    expect(long.length).toBeGreaterThan(PREFLIGHT_CACHE_MAX_HEADERS_LENGTH);
    const first = sync(policy.decide(preflight(APP, 'PUT', long)));
    expect(first.headers['access-control-allow-headers']).toBe(long);
    expect(sync(policy.decide(preflight(APP, 'PUT', long)))).not.toBe(first);
  });

  it('keeps at most PREFLIGHT_CACHE_LIMIT answers: when full it starts over, still right', async () => {
    const { PREFLIGHT_CACHE_LIMIT } = await import('../src/memo.js');
    const policy = createCorsPolicy({ origin: [APP] });
    const first = sync(policy.decide(preflight(APP, 'PUT', 'x-0')));
    for (let i = 1; i <= PREFLIGHT_CACHE_LIMIT + 5; i++) {
      const decision = sync(policy.decide(preflight(APP, 'PUT', `x-${i}`)));
      expect(decision.headers['access-control-allow-headers']).toBe(`x-${i}`);
    }
    const again = sync(policy.decide(preflight(APP, 'PUT', 'x-0')));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

describe('refusals', () => {
  it('are plain data, message included: it survives spreading, structuredClone and JSON', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const actual = sync(policy.decide({ method: 'GET', origin: 'https://evil.example' }));
    expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
    expect({ ...actual }).toEqual(actual);
    expect(structuredClone(actual)).toEqual(actual);
    expect({ ...actual }.message).toBe(
      'Origin "https://evil.example" is not allowed by the `origin` option; add it there if it should be.',
    );
    expect(JSON.parse(JSON.stringify(actual))).toEqual({
      kind: 'actual',
      allowed: false,
      reason: 'origin-not-allowed',
      message: actual.message,
      headers: {},
      vary: 'Origin',
      end: false,
    });
    const pre = sync(policy.decide(preflight('https://evil.example', 'PUT')));
    expect(JSON.parse(JSON.stringify(pre))).toMatchObject({
      status: 403,
      message: pre.message,
      end: true,
    });
  });
});
