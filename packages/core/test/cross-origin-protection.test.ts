/**
 * Cross-origin protection (CSRF): the shared table of vectors, then what the table cannot say
 * (functions, promises, malformed input, configuration errors, the request readers).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CROSS_ORIGIN_REASONS,
  CROSS_ORIGIN_REFUSAL_STATUS,
  createCorsPolicy,
  createCrossOriginProtection,
  createCrossOriginProtectionFromCors,
  crossOriginRequestFromHeaderRecord,
  crossOriginRequestFromHeaders,
  crossOriginRefusalResponse,
  isCorsConfigError,
  type CrossOriginConfigIssue,
  type CrossOriginDecision,
  type CrossOriginProtectionOptions,
  type CrossOriginReason,
  type CrossOriginRequest,
} from '../src/index.js';
import { csrfOptionSets, csrfPeerAddress, csrfVectors, protectionFor } from './csrf-vectors.js';

const protections = new Map(Object.keys(csrfOptionSets).map((name) => [name, protectionFor(name)]));

/** A vector's request as a Node server reads it: repeated lines joined, as Node joins them. */
function nodeHeaders(headers: Readonly<Record<string, string | readonly string[]>>) {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : value.join(', '),
    ]),
  );
}

function fetchHeaders(headers: Readonly<Record<string, string | readonly string[]>>): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const line of typeof value === 'string' ? [value] : value) result.append(name, line);
  }
  return result;
}

function decide(name: string, request: CrossOriginRequest): CrossOriginDecision {
  const decision = protections.get(name)!.check(request);
  if (decision instanceof Promise) throw new Error('the table has no async option set');
  return decision;
}

describe('the CSRF vectors', () => {
  it.each(csrfVectors.map((vector) => [vector.name, vector] as const))(
    '%s (from a Node header record)',
    (_name, vector) => {
      const { method, path, headers } = vector.request;
      const request = crossOriginRequestFromHeaderRecord(
        method,
        path,
        nodeHeaders(headers),
        csrfPeerAddress,
      );
      const decision = decide(vector.options, request);
      expect({ allowed: decision.allowed, reason: decision.reason }).toEqual(vector.expect);
      expect(Object.isFrozen(decision)).toBe(true);
      expect(decision.message.length).toBeGreaterThan(0);
    },
  );

  // A Fetch runtime makes request.url itself, so an absolute-form target reaches its router (and
  // this reader) as the path it names; only a Node server hands the absolute form to the check.
  const originForm = csrfVectors.filter((vector) => vector.request.path.startsWith('/'));
  it.each(originForm.map((vector) => [vector.name, vector] as const))(
    '%s (from Fetch Headers and an absolute URL)',
    (_name, vector) => {
      const { method, path, headers } = vector.request;
      // As a Fetch runtime builds request.url: scheme and Host, then the target (here unparsed, so
      // that the raw path reaches the reader exactly as sent).
      const host = typeof headers.host === 'string' ? headers.host : 'localhost';
      const url = `http://${host}${path}`;
      const request = crossOriginRequestFromHeaders(
        method,
        url,
        fetchHeaders(headers),
        csrfPeerAddress,
      );
      const decision = decide(vector.options, request);
      expect({ allowed: decision.allowed, reason: decision.reason }).toEqual(vector.expect);
    },
  );

  it('covers every reason, every option set, and every unsafe method', () => {
    const reasons = new Set(csrfVectors.map((vector) => vector.expect.reason));
    expect([...reasons].sort()).toEqual(Object.keys(CROSS_ORIGIN_REASONS).sort());
    const sets = new Set(csrfVectors.map((vector) => vector.options));
    expect([...sets].sort()).toEqual(Object.keys(csrfOptionSets).sort());
    const methods = new Set(csrfVectors.map((vector) => vector.request.method));
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'PURGE']) {
      expect(methods).toContain(method);
    }
    const names = csrfVectors.map((vector) => vector.name);
    expect(new Set(names).size).toBe(names.length);
  });

  const contentTypes = [
    undefined,
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/csp-report',
  ];
  it.each(csrfVectors.map((vector) => [vector.name, vector] as const))(
    'gives the same answer whatever the content type: %s',
    (_name, vector) => {
      const { method, path, headers } = vector.request;
      const reference = crossOriginRequestFromHeaderRecord(
        method,
        path,
        nodeHeaders(headers),
        csrfPeerAddress,
      );
      for (const contentType of contentTypes) {
        const varied: Record<string, string> = { ...nodeHeaders(headers) };
        delete varied['content-type'];
        if (contentType !== undefined) varied['content-type'] = contentType;
        const request = crossOriginRequestFromHeaderRecord(method, path, varied, csrfPeerAddress);
        // The content type is not an input: the request the check sees is the same object shape.
        expect(request).toEqual(reference);
        expect(decide(vector.options, request)).toEqual(decide(vector.options, reference));
      }
    },
  );
});

describe('the check', () => {
  const protection = createCrossOriginProtection();
  const post = (request: Partial<CrossOriginRequest>) =>
    protection.check({ method: 'POST', path: '/', host: 'api.example.com', ...request });

  it("works with no options, as Go's zero value", () => {
    expect(post({ origin: 'https://api.example.com', secFetchSite: 'same-origin' }).allowed).toBe(
      true,
    );
    expect(post({ origin: 'https://evil.example', secFetchSite: 'cross-site' }).allowed).toBe(
      false,
    );
    expect(protection.isAsync).toBe(false);
  });

  it('checks methods case-sensitively: a lower-case get is not a safe method', () => {
    expect(post({ method: 'get', secFetchSite: 'cross-site' }).reason).toBe('cross-site');
    expect(post({ method: 'options', secFetchSite: 'cross-site' }).reason).toBe('cross-site');
    expect(post({ method: 'post', origin: 'https://evil.example' }).reason).toBe('origin-mismatch');
  });

  it('treats empty and null headers as absent', () => {
    expect(post({ secFetchSite: '', origin: '' }).reason).toBe('no-browser-headers');
    expect(post({ secFetchSite: null, origin: null }).reason).toBe('no-browser-headers');
    expect(post({ secFetchSite: '', origin: 'https://api.example.com' }).reason).toBe(
      'origin-matches-host',
    );
  });

  it('refuses an Origin when the request has no Host to compare it with', () => {
    const decision = post({ host: undefined, origin: 'https://api.example.com' });
    expect(decision).toMatchObject({ allowed: false, reason: 'origin-mismatch' });
    expect(decision.message).toContain('has no Host');
    expect(post({ host: '', origin: 'https://api.example.com' }).reason).toBe('origin-mismatch');
  });

  it('compares the port of a scheme without a default port as written', () => {
    expect(post({ host: 'api.example.com', origin: 'foo://api.example.com' }).reason).toBe(
      'origin-matches-host',
    );
    expect(post({ host: 'api.example.com:80', origin: 'foo://api.example.com' }).reason).toBe(
      'origin-mismatch',
    );
    expect(
      post({ host: 'api.example.com:8080', origin: 'http://api.example.com:8080' }).reason,
    ).toBe('origin-matches-host');
    expect(post({ host: '[::1]:3000', origin: 'http://[::1]:3000' }).reason).toBe(
      'origin-matches-host',
    );
  });

  it('names the offending values in refusal messages, bounded and escaped', () => {
    const huge = `https://${'a'.repeat(5000)}.example`;
    const message = post({ origin: huge, secFetchSite: 'cross-site' }).message;
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('cross-site');
    expect(post({ origin: 'https://evil.example\n', secFetchSite: 'same-site' }).message).toContain(
      '\\n',
    );
    expect(post({ secFetchSite: 'cross-site' }).message).toContain('with no Origin');
    expect(post({ secFetchSite: 'x-\u0000' }).message).toContain('\\u0000');
    expect(post({ origin: 'null' }).message).toContain('Origin null');
    expect(post({ origin: 'HTTPS://api.example.com' }).message).toContain('not an origin');
    expect(post({ origin: 'https://evil.example' }).message).toContain('Host "api.example.com"');
  });

  it('gives every reason a documented meaning and refuses with 403', () => {
    expect(CROSS_ORIGIN_REFUSAL_STATUS).toBe(403);
    expect(Object.isFrozen(CROSS_ORIGIN_REASONS)).toBe(true);
    for (const text of Object.values(CROSS_ORIGIN_REASONS)) expect(text.length).toBeGreaterThan(20);
  });

  it('answers a refusal with 403, nosniff plain text naming the reason and no request value', () => {
    const decision = post({ origin: 'https://evil.example<script>', secFetchSite: 'cross-site' });
    const response = crossOriginRefusalResponse(decision);
    expect(response).toEqual({
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      body: 'Forbidden: cross-origin request refused (cross-site).\n',
    });
    expect(Object.isFrozen(response)).toBe(true);
    // The same frozen answer every time: nothing is built per refused request.
    expect(crossOriginRefusalResponse(post({ secFetchSite: 'cross-site' }))).toBe(response);
    for (const reason of Object.keys(CROSS_ORIGIN_REASONS)) {
      const body = crossOriginRefusalResponse({
        allowed: false,
        reason,
        message: '',
      } as never).body;
      expect(body).toBe(`Forbidden: cross-origin request refused (${reason}).\n`);
    }
    expect(
      crossOriginRefusalResponse({ allowed: false, reason: '<b>', message: '' } as never).body,
    ).toBe('Forbidden: cross-origin request refused.\n');
  });

  it('does not read the bypass for a request without a path string', () => {
    const withBypass = createCrossOriginProtection({ bypass: ['POST /hook'] });
    const request = { method: 'POST', secFetchSite: 'cross-site' } as CrossOriginRequest;
    expect(withBypass.check(request)).toMatchObject({ allowed: false, reason: 'cross-site' });
  });

  it('exempts a bypass before calling any trusted-origin function', () => {
    let calls = 0;
    const guarded = createCrossOriginProtection({
      bypass: ['POST /hook'],
      trustedOrigins: [() => (calls++, false)],
    });
    const request = { method: 'POST', path: '/hook', origin: 'https://idp.example' };
    expect(guarded.check({ ...request, secFetchSite: 'cross-site' })).toMatchObject({
      reason: 'bypass',
    });
    expect(calls).toBe(0);
    expect(guarded.check({ ...request, path: '/other', secFetchSite: 'cross-site' })).toMatchObject(
      { reason: 'cross-site' },
    );
    expect(calls).toBe(1);
  });

  it('matches the root path and query-only targets as bypasses', () => {
    const root = createCrossOriginProtection({ bypass: ['DELETE /'] });
    const check = (path: string, method = 'DELETE') =>
      root.check({ method, path, secFetchSite: 'cross-site' }).reason;
    expect(check('/')).toBe('bypass');
    expect(check('/?x=1')).toBe('bypass');
    expect(check('//')).toBe('cross-site');
    expect(check('/', 'POST')).toBe('cross-site');
    expect(check('*')).toBe('cross-site');
    expect(check('')).toBe('cross-site');
  });

  it('does not exempt a backslash, white space or a custom lower-case method', () => {
    const p = createCrossOriginProtection({ bypass: ['POST /a/b', 'purge /cache/*'] });
    const check = (method: string, path: string) =>
      p.check({ method, path, secFetchSite: 'cross-site' }).reason;
    expect(check('POST', '/a\\b')).toBe('cross-site');
    expect(check('POST', '/a/b ')).toBe('cross-site');
    expect(check('purge', '/cache/x')).toBe('bypass');
    expect(check('PURGE', '/cache/x')).toBe('cross-site');
    expect(check('purge', '/cache/x%41')).toBe('cross-site');
  });
});

describe('trusted origins', () => {
  it('matches anchored RegExps and functions, and calls functions with the method and origin', () => {
    const seen: unknown[] = [];
    const p = createCrossOriginProtection({
      trustedOrigins: [
        /^https:\/\/(?:a|b)\.example\.net$/,
        (origin, request) => (seen.push([origin, request]), origin === 'https://fn.example'),
      ],
    });
    const check = (origin: string) =>
      p.check({ method: 'PUT', path: '/', origin, secFetchSite: 'cross-site' });
    expect(check('https://b.example.net')).toMatchObject({ reason: 'trusted-origin' });
    expect(check('https://fn.example')).toMatchObject({ reason: 'trusted-origin' });
    expect(check('https://c.example.net')).toMatchObject({ reason: 'cross-site' });
    expect(seen).toContainEqual([
      'https://fn.example',
      { method: 'PUT', origin: 'https://fn.example' },
    ]);
  });

  it('never calls a function with a malformed or null origin', () => {
    let calls = 0;
    const p = createCrossOriginProtection({ trustedOrigins: [() => (calls++, true)] });
    for (const origin of ['null', 'https://EVIL.example', 'https://evil.example/', '']) {
      const decision = p.check({ method: 'POST', path: '/', origin, secFetchSite: 'cross-site' });
      expect(decision.allowed).toBe(false);
    }
    expect(calls).toBe(0);
  });

  it('trusts what an accepted origin RegExp matches, and nothing beside it', () => {
    const p = createCrossOriginProtection({
      trustedOrigins: [/^https:\/\/[a-z0-9-]+\.tenants\.example\.com$/],
    });
    const check = (origin: string) =>
      p.check({ method: 'POST', path: '/', origin, secFetchSite: 'cross-site' }).allowed;
    expect(check('https://acme.tenants.example.com')).toBe(true);
    expect(check('https://acme.tenants.example.com.evil.example')).toBe(false);
    expect(check('https://tenants.example.com')).toBe(false);
  });

  it('waits for a function that answers with a promise', async () => {
    const p = createCrossOriginProtection({
      trustedOrigins: [async (origin: string) => origin === 'https://tenant.example'],
    });
    expect(p.isAsync).toBe(true);
    const check = (origin: string) =>
      p.check({ method: 'POST', path: '/', host: 'api.example.com', origin });
    const trusted = check('https://tenant.example');
    expect(trusted).toBeInstanceOf(Promise);
    await expect(trusted).resolves.toMatchObject({ allowed: true, reason: 'trusted-origin' });
    await expect(check('https://evil.example')).resolves.toMatchObject({
      allowed: false,
      reason: 'origin-mismatch',
    });
    // The checks that need no function stay synchronous.
    expect(check('https://api.example.com')).toMatchObject({ reason: 'origin-matches-host' });
  });

  it('rejects when a trusted-origin function rejects, as decide does', async () => {
    const p = createCrossOriginProtection({
      trustedOrigins: [() => Promise.reject(new Error('tenant store down'))],
    });
    await expect(
      p.check({
        method: 'POST',
        path: '/',
        origin: 'https://x.example',
        secFetchSite: 'cross-site',
      }),
    ).rejects.toThrow('tenant store down');
  });

  it('accepts plain-http trusted origins only with dangerouslyAllowInsecureOrigins', () => {
    const p = createCrossOriginProtection({
      trustedOrigins: ['http://intranet.example'],
      dangerouslyAllowInsecureOrigins: true,
    });
    expect(
      p.check({ method: 'POST', path: '/', origin: 'http://intranet.example', host: 'api' }),
    ).toMatchObject({ reason: 'trusted-origin' });
  });

  it('types check() as synchronous unless a trusted origin may be async', () => {
    /* eslint-disable @typescript-eslint/unbound-method -- expectTypeOf reads the type; nothing is called */
    const sync = createCrossOriginProtection({ trustedOrigins: ['https://a.example'] });
    expectTypeOf(sync.check).returns.toEqualTypeOf<CrossOriginDecision>();
    const none = createCrossOriginProtection();
    expectTypeOf(none.check).returns.toEqualTypeOf<CrossOriginDecision>();
    const async = createCrossOriginProtection({ trustedOrigins: [async () => true] });
    expectTypeOf(async.check).returns.toEqualTypeOf<
      CrossOriginDecision | Promise<CrossOriginDecision>
    >();
    const widened: CrossOriginProtectionOptions = { trustedOrigins: [async () => true] };
    expectTypeOf(createCrossOriginProtection(widened).check).returns.toEqualTypeOf<
      CrossOriginDecision | Promise<CrossOriginDecision>
    >();
    const fromCors = createCrossOriginProtectionFromCors(
      createCorsPolicy({ origin: ['https://a.example'], credentials: true }),
    );
    expectTypeOf(fromCors.check).returns.toEqualTypeOf<CrossOriginDecision>();
    const withFunction = createCrossOriginProtectionFromCors(
      { origin: '*' },
      { trustedOrigins: [(origin) => origin.startsWith('https://')] },
    );
    expectTypeOf(withFunction.check).returns.toEqualTypeOf<CrossOriginDecision>();
    const fromAsyncCors = createCrossOriginProtectionFromCors({
      origin: [async () => true],
      credentials: true,
    });
    expectTypeOf(fromAsyncCors.check).returns.toEqualTypeOf<
      CrossOriginDecision | Promise<CrossOriginDecision>
    >();
    /* eslint-enable @typescript-eslint/unbound-method */
  });
});

describe('one policy feeds both: createCrossOriginProtectionFromCors', () => {
  const request = (origin: string): CrossOriginRequest => ({
    method: 'POST',
    path: '/',
    host: 'api.example.com',
    origin,
    secFetchSite: 'cross-site',
  });

  it('accepts CORS options as well as a policy, and validates them the same way', () => {
    const p = createCrossOriginProtectionFromCors({
      origin: 'https://app.example.com',
      credentials: true,
    });
    expect(p.check(request('https://app.example.com'))).toMatchObject({ allowed: true });
    expect(() =>
      createCrossOriginProtectionFromCors({ origin: 'https://*.github.io', credentials: true }),
    ).toThrow(/origin_pattern_public_suffix/);
  });

  it('trusts an origin only when the credentials function also says yes', () => {
    const calls: string[] = [];
    const policy = createCorsPolicy({
      origin: ['https://a.example.com', 'https://b.example.com'],
      credentials: (origin) => (calls.push(origin), origin === 'https://a.example.com'),
    });
    const p = createCrossOriginProtectionFromCors(policy);
    expect(p.isAsync).toBe(false);
    expect(p.check(request('https://a.example.com'))).toMatchObject({ reason: 'trusted-origin' });
    expect(p.check(request('https://b.example.com'))).toMatchObject({ reason: 'cross-site' });
    expect(p.check(request('https://c.example.com'))).toMatchObject({ reason: 'cross-site' });
    // The credentials function is asked only about origins the policy allows.
    expect(calls).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('waits for async origin and credentials functions', async () => {
    const p = createCrossOriginProtectionFromCors(
      {
        origin: [async (origin: string) => origin.endsWith('.tenant.example')],
        credentials: async (origin: string) => origin !== 'https://blocked.tenant.example',
      },
      { trustedOrigins: ['https://partner.example'] },
    );
    expect(p.isAsync).toBe(true);
    await expect(p.check(request('https://a.tenant.example'))).resolves.toMatchObject({
      reason: 'trusted-origin',
    });
    await expect(p.check(request('https://blocked.tenant.example'))).resolves.toMatchObject({
      reason: 'cross-site',
    });
    // A listed extra origin answers at once, without waiting for the CORS functions.
    expect(p.check(request('https://partner.example'))).toMatchObject({
      reason: 'trusted-origin',
    });
  });

  it('applies a synchronous credentials function to a promised origin answer', async () => {
    const p = createCrossOriginProtectionFromCors({
      origin: [(origin: string) => Promise.resolve(origin === 'https://a.example.com')],
      credentials: (origin: string) => origin === 'https://a.example.com',
    });
    expect(p.isAsync).toBe(false);
    await expect(p.check(request('https://a.example.com'))).resolves.toMatchObject({
      reason: 'trusted-origin',
    });
    await expect(p.check(request('https://b.example.com'))).resolves.toMatchObject({
      reason: 'cross-site',
    });
  });

  it('adds the options: bypass, strict mode and proxies work as without CORS', () => {
    const p = createCrossOriginProtectionFromCors(
      { origin: '*' },
      { bypass: ['POST /hook'], requireBrowserHeaders: true },
    );
    expect(p.check({ ...request('https://x.example'), path: '/hook' }).reason).toBe('bypass');
    expect(p.check({ method: 'POST', path: '/' }).reason).toBe('browser-headers-missing');
  });

  it('reports invalid extra options', () => {
    expect(() =>
      createCrossOriginProtectionFromCors({ origin: '*' }, { trustedOrigins: ['null'] }),
    ).toThrow(/trusted_origins_null/);
  });
});

describe('trusted proxies', () => {
  const proxied = (trustedProxies: string[], remoteAddress: string | null | undefined) =>
    createCrossOriginProtection({ trustedProxies }).check({
      method: 'POST',
      path: '/',
      host: '10.1.2.3:8080',
      forwardedHost: 'api.example.com',
      origin: 'https://api.example.com',
      remoteAddress,
    }).reason;

  it.each([
    [['10.0.0.0/8'], '10.200.0.1', 'origin-matches-host'],
    [['10.0.0.0/8'], '::ffff:10.200.0.1', 'origin-matches-host'],
    [['10.0.0.0/8'], '11.0.0.1', 'origin-mismatch'],
    [['10.0.0.1'], '10.0.0.1', 'origin-matches-host'],
    [['10.0.0.1'], '10.0.0.2', 'origin-mismatch'],
    [['192.168.0.0/23'], '192.168.1.77', 'origin-matches-host'],
    [['192.168.0.0/23'], '192.168.2.1', 'origin-mismatch'],
    [['::1'], '::1', 'origin-matches-host'],
    [['::1'], '0:0:0:0:0:0:0:1', 'origin-matches-host'],
    [['fd00::/8'], 'fd12:3456::1', 'origin-matches-host'],
    [['fd00::/8'], 'fe80::1', 'origin-mismatch'],
    [['2001:db8::/33'], '2001:db8:7fff::1', 'origin-matches-host'],
    [['2001:db8::/33'], '2001:db8:8000::1', 'origin-mismatch'],
    [['::ffff:0:0/96'], '::ffff:10.0.0.1', 'origin-mismatch'],
    [['10.0.0.0/8'], 'fe80::1%eth0', 'origin-mismatch'],
    [['10.0.0.0/8'], 'not an address', 'origin-mismatch'],
    [['10.0.0.0/8'], '', 'origin-mismatch'],
    [['10.0.0.0/8'], undefined, 'origin-mismatch'],
    [['10.0.0.0/8'], null, 'origin-mismatch'],
    [['::'], '::', 'origin-matches-host'],
    [['1:2:3:4:5:6:7:8'], '1:2:3:4:5:6:7:8', 'origin-matches-host'],
    [['1:2:3:4:5:6:1.2.3.4'], '1:2:3:4:5:6:102:304', 'origin-matches-host'],
  ] as const)('with %j, peer %j: %s', (ranges, peer, reason) => {
    expect(proxied([...ranges], peer)).toBe(reason);
  });

  it('refuses malformed peer addresses without throwing', () => {
    for (const peer of [
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7::8',
      '::1.2.3.999',
      '1.2.3.4::',
      ':1',
      'g::1',
      '::12345',
      `${'1:'.repeat(30)}1`,
    ]) {
      expect(proxied(['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1'], peer)).toBe(
        'origin-mismatch',
      );
    }
  });

  it('uses Host when X-Forwarded-Host is empty', () => {
    const p = createCrossOriginProtection({ trustedProxies: ['127.0.0.1'] });
    const decision = p.check({
      method: 'POST',
      path: '/',
      host: 'api.example.com',
      forwardedHost: '',
      origin: 'https://api.example.com',
      remoteAddress: '127.0.0.1',
    });
    expect(decision.reason).toBe('origin-matches-host');
  });
});

describe('configuration errors', () => {
  function issues(options: unknown): CrossOriginConfigIssue[] {
    try {
      createCrossOriginProtection(options as never);
    } catch (error) {
      expect(isCorsConfigError(error)).toBe(true);
      return (error as { issues: CrossOriginConfigIssue[] }).issues;
    }
    throw new Error('no error');
  }

  it('refuses options that are not an object', () => {
    for (const value of [null, [], 'https://a.example', 1]) {
      expect(issues(value)).toEqual([
        expect.objectContaining({ code: 'cross_origin_options_invalid', option: 'options' }),
      ]);
    }
  });

  it('names unknown options, with the fix for options of other CSRF libraries', () => {
    const found = issues({ origin: ['https://a.example'], getSecret: () => 's', colour: 1 });
    expect(found.map((issue) => [issue.code, issue.option])).toEqual([
      ['cross_origin_option_unknown', 'origin'],
      ['cross_origin_option_unknown', 'getSecret'],
      ['cross_origin_option_unknown', 'colour'],
    ]);
    expect(found[0]!.message).toContain('trustedOrigins');
    expect(found[2]!.message).toContain('the options are trustedOrigins, bypass');
  });

  it('reports every problem at once, each naming the entry and the fix', () => {
    const found = issues({
      trustedOrigins: [
        '*',
        'null',
        'http://intranet.example',
        'https://*.github.io',
        'HTTPS://App.example.com',
        /example\.com/,
        42,
      ],
      bypass: [
        'GET /x',
        '/a//b',
        7,
        'post /x',
        'P(ST /x',
        'POST x',
        'POST /a?b=1',
        '/a/../b',
        '/users/:id',
        '/users/{id}',
        '/files/**',
        '/a%2Fb',
        'POST /a/b/',
      ],
      trustedProxies: [
        '0.0.0.0/0',
        'proxy.internal',
        '[::1]',
        '[fd00::]/8',
        '10.0.0.0/33',
        '10.0.0.0/x',
        'fd00::/129',
        7,
        '::/0',
      ],
      requireBrowserHeaders: 'yes',
      dangerouslyAllowInsecureOrigins: 1,
    });
    const codes = found.map((issue) => `${issue.option} ${issue.code}`);
    expect(codes).toEqual([
      'requireBrowserHeaders require_browser_headers_invalid_type',
      'dangerouslyAllowInsecureOrigins dangerously_allow_insecure_origins_invalid_type',
      'trustedOrigins[0] trusted_origins_wildcard',
      'trustedOrigins[4] origin_uppercase',
      'trustedOrigins[5] origin_regexp_unanchored',
      'trustedOrigins[6] origin_invalid_type',
      'trustedOrigins[3] origin_pattern_public_suffix',
      'trustedOrigins[1] trusted_origins_null',
      'trustedOrigins trusted_origins_insecure',
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `bypass[${i}] bypass_invalid`),
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `trustedProxies[${i}] trusted_proxies_invalid`),
    ]);
    const message = (option: string) => found.find((issue) => issue.option === option)!.message;
    expect(message('bypass[0]')).toContain('never checked');
    expect(message('bypass[3]')).toContain("write 'POST /x'");
    expect(message('bypass[4]')).toContain('not a method token');
    expect(message('bypass[6]')).toContain("write 'POST /a'");
    expect(message('bypass[8]')).toContain("write '*'");
    expect(message('bypass[11]')).toContain('percent-encoding');
    expect(message('trustedProxies[2]')).toContain("'::1'");
    expect(message('trustedProxies[3]')).toContain("'fd00::/8'");
    expect(message('trustedProxies[4]')).toContain('0 to 32 for an IPv4');
    expect(message('trustedProxies[6]')).toContain('0 to 128 for an IPv6');
    expect(message('trustedProxies[8]')).toContain('trusts every address');
  });

  it('names each of two identical bad entries by its own position', () => {
    const found = issues({ trustedOrigins: ['*', 'https://A.example', 'https://A.example'] });
    expect(found.map((issue) => issue.option)).toEqual([
      'trustedOrigins[0]',
      'trustedOrigins[1]',
      'trustedOrigins[2]',
    ]);
  });

  it("refuses a lone '*' with one issue that says to leave the protection out", () => {
    expect(issues({ trustedOrigins: ['*'] })).toEqual([
      expect.objectContaining({ code: 'trusted_origins_wildcard', option: 'trustedOrigins[0]' }),
    ]);
  });

  it('says how to write a bypass without its query or fragment', () => {
    expect(issues({ bypass: ['/a#top'] })[0]!.message).toContain("write '/a'");
  });

  it('refuses lists given as single values', () => {
    const found = issues({
      trustedOrigins: 'https://a.example',
      bypass: 'POST /x',
      trustedProxies: '10.0.0.1',
    });
    expect(found.map((issue) => issue.code)).toEqual([
      'trusted_origins_invalid_type',
      'bypass_invalid_type',
      'trusted_proxies_invalid_type',
    ]);
    expect(found[1]!.message).toContain("bypass: ['POST /oauth/callback']");
  });

  it('accepts empty lists and explicit defaults', () => {
    const p = createCrossOriginProtection({
      trustedOrigins: [],
      bypass: [],
      trustedProxies: [],
      requireBrowserHeaders: false,
      dangerouslyAllowInsecureOrigins: false,
    });
    expect(p.check({ method: 'POST', path: '/' }).reason).toBe('no-browser-headers');
  });
});

describe('the request readers', () => {
  it('read the four headers, the target and the peer from a Node header record', () => {
    expect(
      crossOriginRequestFromHeaderRecord(
        'POST',
        '/a?b',
        {
          host: 'api.example.com',
          origin: 'https://app.example.com',
          'sec-fetch-site': ['same-site', 'cross-site'],
          'x-forwarded-host': 'api.example.com',
          'content-type': 'text/plain',
          'content-length': 3,
          cookie: undefined,
          referer: null as never,
        },
        '10.0.0.1',
      ),
    ).toEqual({
      method: 'POST',
      path: '/a?b',
      host: 'api.example.com',
      origin: 'https://app.example.com',
      secFetchSite: 'same-site, cross-site',
      forwardedHost: 'api.example.com',
      remoteAddress: '10.0.0.1',
    });
    expect(
      crossOriginRequestFromHeaderRecord('PUT', '/', {
        host: 8080 as never,
        origin: null as never,
      }),
    ).toEqual({
      method: 'PUT',
      path: '/',
      host: '8080',
      origin: undefined,
      secFetchSite: undefined,
      forwardedHost: undefined,
      remoteAddress: undefined,
    });
  });

  it('read the HTTP/2 :authority when there is no Host header', () => {
    const read = (headers: Record<string, string>) =>
      crossOriginRequestFromHeaderRecord('POST', '/', headers).host;
    expect(read({ ':authority': 'api.example.com' })).toBe('api.example.com');
    expect(read({ host: 'a.example', ':authority': 'b.example' })).toBe('a.example');
  });

  it('read nothing but the method and target for safe methods', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(crossOriginRequestFromHeaderRecord(method, '/x', { origin: 'https://e' })).toEqual({
        method,
        path: '/x',
      });
      expect(
        crossOriginRequestFromHeaders(
          method,
          'https://a.example/x?y',
          new Headers({ origin: 'o' }),
        ),
      ).toEqual({ method, path: '/x?y' });
    }
  });

  it('cut the target and host out of a Fetch URL as text', () => {
    const read = (url: string, headers: Record<string, string> = {}) =>
      crossOriginRequestFromHeaders('POST', url, new Headers(headers));
    expect(read('https://api.example.com/a/b?c=1#frag')).toMatchObject({
      path: '/a/b?c=1',
      host: 'api.example.com',
    });
    expect(read('https://api.example.com:8443')).toMatchObject({
      path: '/',
      host: 'api.example.com:8443',
    });
    expect(read('https://api.example.com?q')).toMatchObject({
      path: '/?q',
      host: 'api.example.com',
    });
    expect(read('https://api.example.com//a/./b')).toMatchObject({ path: '//a/./b' });
    expect(read('/relative?x', { host: 'h.example' })).toMatchObject({
      path: '/relative?x',
      host: 'h.example',
    });
    expect(read('/relative')).toMatchObject({ host: null, origin: null, secFetchSite: null });
    expect(read('https://url.example/x', { host: 'header.example' })).toMatchObject({
      host: 'header.example',
    });
    expect(
      crossOriginRequestFromHeaders(
        'DELETE',
        'https://a.example/x',
        new Headers({
          origin: 'https://b.example',
          'sec-fetch-site': 'cross-site',
          'x-forwarded-host': 'a.example',
        }),
        '::1',
      ),
    ).toEqual({
      method: 'DELETE',
      path: '/x',
      host: 'a.example',
      origin: 'https://b.example',
      secFetchSite: 'cross-site',
      forwardedHost: 'a.example',
      remoteAddress: '::1',
    });
  });
});

it('keeps reasons a closed, documented set', () => {
  const reasons: CrossOriginReason[] = Object.keys(CROSS_ORIGIN_REASONS) as CrossOriginReason[];
  expect(reasons).toHaveLength(14);
});
