/**
 * The `crossOriginProtection` option of createCorsPolicy, and the per-request step every adapter
 * takes (checkCrossOriginFromHeaderRecord / checkCrossOriginFromHeaders).
 */
import { describe, expect, it } from 'vitest';
import {
  CorsAdapterError,
  checkCrossOriginFromHeaderRecord,
  checkCrossOriginFromHeaders,
  checkCrossOriginFromRequest,
  checkCrossOriginFromNodeRequest,
  runCorsStep,
  settleCors,
  settleCrossOriginCheck,
  thenOrNow,
  checkDecisionListener,
  createCorsPolicy,
  createCrossOriginProtection,
  createCrossOriginProtectionFromCors,
  crossOriginRequestFromHeaderRecord,
  isCorsConfigError,
  type CorsOptions,
  type CrossOriginDecision,
} from '../src/index.js';
import { corsOptionsFor, csrfPeerAddress, csrfVectors, protectionFor } from './csrf-vectors.js';

const APP = 'https://app.example.com';
const crossSite = (origin: string) => ({
  host: 'api.example.com',
  origin,
  'sec-fetch-site': 'cross-site',
});

function issuesOf(options: unknown) {
  try {
    createCorsPolicy(options as CorsOptions);
  } catch (error) {
    if (isCorsConfigError(error)) return error.issues.map(({ code, option }) => ({ code, option }));
    throw error;
  }
  throw new Error('no CorsConfigError');
}

function sync(decision: CrossOriginDecision | Promise<CrossOriginDecision> | null) {
  if (decision === null || decision instanceof Promise) throw new Error('expected a decision');
  return decision;
}

describe('createCorsPolicy({ crossOriginProtection })', () => {
  it('is off unless asked for: no option, or false', () => {
    expect(createCorsPolicy({ origin: [APP] }).crossOriginProtection).toBeNull();
    expect(
      createCorsPolicy({ origin: [APP], crossOriginProtection: false }).crossOriginProtection,
    ).toBeNull();
  });

  it('true trusts exactly the origins the policy allows with credentials', () => {
    const policy = createCorsPolicy({
      origin: [APP],
      credentials: true,
      crossOriginProtection: true,
    });
    const check = (origin: string) =>
      sync(
        checkCrossOriginFromHeaderRecord(
          policy.crossOriginProtection,
          'POST',
          '/',
          crossSite(origin),
        ),
      );
    expect(check(APP)).toMatchObject({ allowed: true, reason: 'trusted-origin' });
    expect(check('https://evil.example')).toMatchObject({ allowed: false, reason: 'cross-site' });
  });

  it('does not trust an origin the policy allows only without credentials (refuses forged writes from readers)', () => {
    const policy = createCorsPolicy({ origin: [APP], crossOriginProtection: true });
    const decision = sync(
      checkCrossOriginFromHeaderRecord(policy.crossOriginProtection, 'POST', '/', crossSite(APP)),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'cross-site' });
  });

  it('takes the protection options: bypass, trustedOrigins', () => {
    const policy = createCorsPolicy({
      origin: '*',
      crossOriginProtection: {
        trustedOrigins: ['https://partner.example'],
        bypass: ['POST /oauth/callback'],
      },
    });
    const check = (path: string, origin: string) =>
      sync(
        checkCrossOriginFromHeaderRecord(
          policy.crossOriginProtection,
          'POST',
          path,
          crossSite(origin),
        ),
      ).reason;
    expect(check('/oauth/callback', 'https://evil.example')).toBe('bypass');
    expect(check('/transfer', 'https://partner.example')).toBe('trusted-origin');
    expect(check('/transfer', 'https://evil.example')).toBe('cross-site');
  });

  it('compiles once: the policy keeps one frozen protection', () => {
    const policy = createCorsPolicy({ origin: [APP], crossOriginProtection: true });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(policy.crossOriginProtection).toBe(policy.crossOriginProtection);
    expect(Object.isFrozen(policy.crossOriginProtection)).toBe(true);
  });

  it('refuses a value that is neither a boolean nor options', () => {
    for (const value of ['yes', 1, null, ['https://app.example.com']]) {
      expect(issuesOf({ origin: [APP], crossOriginProtection: value })).toEqual([
        { code: 'cross_origin_protection_invalid_type', option: 'crossOriginProtection' },
      ]);
    }
  });

  it('names the protection’s problems crossOriginProtection.<option>', () => {
    expect(
      issuesOf({
        origin: [APP],
        crossOriginProtection: { trustedOrigins: ['*'], secFetchSite: 'same-origin' },
      }),
    ).toEqual([
      { code: 'cross_origin_option_unknown', option: 'crossOriginProtection.secFetchSite' },
      { code: 'trusted_origins_wildcard', option: 'crossOriginProtection.trustedOrigins[0]' },
    ]);
  });

  it('reports the protection’s problems in the same error as the CORS ones', () => {
    expect(
      issuesOf({
        origin: ['https://app.example.com/'],
        crossOriginProtection: { bypass: ['POST /a/'], trustedProxies: 'x' },
      }),
    ).toEqual([
      { code: 'origin_trailing_slash', option: 'origin[0]' },
      { code: 'bypass_invalid', option: 'crossOriginProtection.bypass[0]' },
      { code: 'trusted_proxies_invalid_type', option: 'crossOriginProtection.trustedProxies' },
    ]);
  });

  it('says what to write for csrf-style option names', () => {
    const error = (() => {
      try {
        createCorsPolicy({ origin: [APP], csrf: true } as unknown as CorsOptions);
      } catch (caught) {
        return caught as { issues: { option: string; message: string }[] };
      }
    })();
    expect(error?.issues[0]?.message).toContain("write 'crossOriginProtection'");
  });

  it('decides every CSRF vector as the protection of its option set does', () => {
    for (const vector of csrfVectors) {
      const policy = createCorsPolicy(corsOptionsFor(vector.options));
      const { method, path, headers } = vector.request;
      const flat = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? v : v.join(', ')]),
      );
      const decision = sync(
        checkCrossOriginFromHeaderRecord(
          policy.crossOriginProtection,
          method,
          path,
          flat,
          csrfPeerAddress,
        ),
      );
      expect({ name: vector.name, ...decision }).toMatchObject({
        name: vector.name,
        ...vector.expect,
      });
      const reference = protectionFor(vector.options).check(
        crossOriginRequestFromHeaderRecord(method, path, flat, csrfPeerAddress),
      );
      expect(decision).toEqual(reference);
    }
  });

  it('a protection from CORS options with the option set is the same protection', () => {
    const protection = createCrossOriginProtectionFromCors({
      origin: [APP],
      credentials: true,
      crossOriginProtection: true,
    });
    expect(
      sync(protection.check({ method: 'POST', path: '/', origin: APP, secFetchSite: 'cross-site' }))
        .reason,
    ).toBe('trusted-origin');
  });
});

describe('checkCrossOriginFromHeaderRecord / checkCrossOriginFromHeaders', () => {
  const protection = createCorsPolicy({
    origin: [APP],
    crossOriginProtection: true,
  }).crossOriginProtection;
  /** Headers that fail the test if anything reads them. */
  const untouchable = new Proxy(
    {},
    {
      get() {
        throw new Error('a header was read');
      },
    },
  );

  it('is null without protection (and for a policy of an older copy, which has none)', () => {
    expect(checkCrossOriginFromHeaderRecord(null, 'POST', '/', {})).toBeNull();
    expect(checkCrossOriginFromHeaderRecord(undefined, 'POST', '/', {})).toBeNull();
    expect(
      checkCrossOriginFromHeaders(null, 'POST', 'http://a.example/', new Headers()),
    ).toBeNull();
    expect(
      checkCrossOriginFromHeaders(undefined, 'POST', 'http://a.example/', new Headers()),
    ).toBeNull();
  });

  it('answers a safe method with one shared decision, reading no header', () => {
    const get = checkCrossOriginFromHeaderRecord(protection, 'GET', '/', untouchable);
    expect(get).toMatchObject({ allowed: true, reason: 'safe-method' });
    expect(checkCrossOriginFromHeaderRecord(protection, 'HEAD', '/', untouchable)).toBe(get);
    expect(checkCrossOriginFromHeaderRecord(protection, 'OPTIONS', '/', untouchable)).toBe(get);
    expect(
      checkCrossOriginFromHeaders(protection, 'GET', 'http://a.example/', untouchable as Headers),
    ).toBe(get);
  });

  it('checks an unsafe method from the headers', () => {
    expect(
      sync(
        checkCrossOriginFromHeaderRecord(
          protection,
          'POST',
          '/',
          crossSite('https://evil.example'),
        ),
      ),
    ).toMatchObject({ allowed: false, reason: 'cross-site' });
    expect(
      sync(
        checkCrossOriginFromHeaders(
          protection,
          'DELETE',
          'http://api.example.com/items/1',
          new Headers({ origin: 'http://api.example.com' }),
        ),
      ),
    ).toMatchObject({ allowed: true, reason: 'origin-matches-host' });
  });

  it('returns a promise when a trusted-origin function does', async () => {
    const policy = createCorsPolicy({
      origin: [APP],
      crossOriginProtection: { trustedOrigins: [async (origin) => origin === APP] },
    });
    const pending = checkCrossOriginFromHeaderRecord(
      policy.crossOriginProtection,
      'POST',
      '/',
      crossSite(APP),
    );
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toMatchObject({ reason: 'trusted-origin' });
  });
});

describe('checkDecisionListener', () => {
  it('names the listener option it checks', () => {
    expect(() => checkDecisionListener('nope', '@cors/x', 'onCrossOriginDecision')).toThrow(
      expect.objectContaining({
        option: 'onCrossOriginDecision',
        message: expect.stringContaining('`onCrossOriginDecision` must be a function'),
      }) as CorsAdapterError,
    );
  });
});

describe('the steps of Node-style adapters', () => {
  const protection = createCorsPolicy({
    origin: [APP],
    crossOriginProtection: true,
  }).crossOriginProtection;
  const forged = {
    method: 'POST',
    url: '/transfer',
    headers: {
      host: 'api.example.com',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    },
    socket: { remoteAddress: '127.0.0.1' },
  };

  it('checks Node’s request: its method, headers and peer, at its url unless a target is given', () => {
    expect(checkCrossOriginFromNodeRequest(null, forged)).toBeNull();
    expect(checkCrossOriginFromNodeRequest(protection, forged)).toMatchObject({ allowed: false });
    const bypassed = createCorsPolicy({
      origin: [APP],
      crossOriginProtection: { bypass: ['POST /hook'] },
    }).crossOriginProtection;
    expect(checkCrossOriginFromNodeRequest(bypassed, forged, '/hook')).toMatchObject({
      allowed: true,
      reason: 'bypass',
    });
    // No method, url or socket: read as they are (no browser header: not a browser, allowed).
    expect(checkCrossOriginFromNodeRequest(protection, { headers: {} })).toMatchObject({
      allowed: true,
      reason: 'no-browser-headers',
    });
  });

  it('reports each decision, refuses through the callback, and says whether it refused', async () => {
    const seen: unknown[] = [];
    const refusals: unknown[] = [];
    const listener = (decision: CrossOriginDecision, request: string) =>
      seen.push([decision.reason, request]);
    expect(settleCrossOriginCheck(null, 'req', listener, (r) => refusals.push(r))).toBe(false);
    const checked = checkCrossOriginFromNodeRequest(protection, forged);
    expect(settleCrossOriginCheck(checked, 'req', listener, (r) => refusals.push(r))).toBe(true);
    expect(refusals).toEqual([expect.objectContaining({ status: 403 })]);
    const same = { ...forged, headers: { ...forged.headers, 'sec-fetch-site': 'same-origin' } };
    const allowed = checkCrossOriginFromNodeRequest(protection, same);
    expect(settleCrossOriginCheck(allowed, 'req', undefined, () => refusals.push('no'))).toBe(
      false,
    );
    const later = Promise.resolve(checked as CrossOriginDecision);
    await expect(settleCrossOriginCheck(later, 'req', listener, () => undefined)).resolves.toBe(
      true,
    );
    expect(seen).toEqual([
      ['cross-site', 'req'],
      ['cross-site', 'req'],
    ]);
  });

  it('settleCors goes on, ends or fails, at once or once the step settles', async () => {
    const calls: string[] = [];
    const outcome = {
      proceed: () => calls.push('proceed'),
      end: () => calls.push('end'),
      fail: (error: unknown) => calls.push(`fail ${String(error)}`),
    };
    settleCors(() => false, outcome);
    settleCors(() => true, outcome);
    settleCors(() => true, { proceed: outcome.proceed, fail: outcome.fail });
    settleCors(() => {
      throw new Error('sync');
    }, outcome);
    settleCors(() => Promise.resolve(true), outcome);
    settleCors(() => Promise.reject(new Error('async')), outcome);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['proceed', 'end', 'fail Error: sync', 'end', 'fail Error: async']);
  });

  it('runCorsStep calls next() to go on, nothing when ended, next(error) on a failure', async () => {
    const calls: unknown[][] = [];
    const next = (...args: unknown[]) => calls.push(args);
    const step = (result: () => boolean | Promise<boolean>, response: string) => {
      expect(response).toBe('res');
      return result();
    };
    runCorsStep(step, () => false, 'res', next);
    runCorsStep(step, () => true, 'res', next);
    const sync = new Error('sync');
    runCorsStep(
      step,
      () => {
        throw sync;
      },
      'res',
      next,
    );
    expect(calls).toEqual([[], [sync]]);
    const rejected = new Error('async');
    runCorsStep(step, () => Promise.resolve(false), 'res', next);
    runCorsStep(step, () => Promise.resolve(true), 'res', next);
    runCorsStep(step, () => Promise.reject(rejected), 'res', next);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual([[], [sync], [], [rejected]]);
  });

  it('thenOrNow calls now for a value, after settling for a promise', async () => {
    expect(thenOrNow(1, (n) => n + 1)).toBe(2);
    await expect(thenOrNow(Promise.resolve(1), (n) => n + 1)).resolves.toBe(2);
  });
});

describe('checkCrossOriginFromRequest', () => {
  const protection = createCrossOriginProtection();
  /** A Request whose url getter counts its reads. */
  function countingRequest(method: string, headers: Record<string, string> = {}) {
    const request = { method, headers: new Headers(headers), reads: 0 };
    Object.defineProperty(request, 'url', {
      get() {
        request.reads++;
        return 'http://api.example/transfer';
      },
    });
    return request as typeof request & { readonly url: string };
  }

  it('is null without a protection, and reads no URL', () => {
    const request = countingRequest('POST');
    expect(checkCrossOriginFromRequest(null, request)).toBeNull();
    expect(request.reads).toBe(0);
  });

  it('passes a safe method without reading the URL', () => {
    const request = countingRequest('GET', { 'sec-fetch-site': 'cross-site' });
    expect(checkCrossOriginFromRequest(protection, request)).toMatchObject({
      allowed: true,
      reason: 'safe-method',
    });
    expect(request.reads).toBe(0);
  });

  it('decides an unsafe method as checkCrossOriginFromHeaders does', () => {
    const request = countingRequest('POST', { 'sec-fetch-site': 'cross-site' });
    const decision = checkCrossOriginFromRequest(protection, request);
    expect(decision).toEqual(
      checkCrossOriginFromHeaders(protection, 'POST', request.url, request.headers),
    );
    expect(decision).toMatchObject({ allowed: false, reason: 'cross-site' });
  });
});
