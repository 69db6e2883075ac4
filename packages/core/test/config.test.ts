import { describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  CorsError,
  createCorsPolicy,
  isCorsConfigError,
  isCorsPolicy,
  type CorsConfigIssue,
  type CorsOptions,
} from '../src/index.js';

/** Creates a policy from untyped options and returns the issues it refuses them with. */
function issuesOf(options: unknown): CorsConfigIssue[] {
  try {
    createCorsPolicy(options as CorsOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigError);
    return [...(error as CorsConfigError).issues];
  }
  throw new Error('expected a CorsConfigError');
}

function only(options: unknown): CorsConfigIssue {
  const issues = issuesOf(options);
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

describe('CorsConfigError', () => {
  it('is a CorsError with a stable code, a name, and every issue in its message', () => {
    let caught: unknown;
    try {
      createCorsPolicy({ origin: 'https://a.example/', maxAge: -1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorsError);
    const error = caught as CorsConfigError;
    expect(error.name).toBe('CorsConfigError');
    expect(error.code).toBe('ERR_CORS_CONFIG');
    expect(error.issues.map((issue) => issue.code)).toEqual([
      'origin_trailing_slash',
      'max_age_invalid',
    ]);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain("write 'https://a.example'");
    expect(isCorsConfigError(error)).toBe(true);
    expect(Object.isFrozen(error.issues)).toBe(true);
  });

  it('says "1 problem" for one', () => {
    expect(() => createCorsPolicy({} as CorsOptions)).toThrow(/\(1 problem\)/);
  });

  it('is recognised by code when another copy of the package threw it', () => {
    const foreign = Object.assign(new Error('x'), { code: 'ERR_CORS_CONFIG', issues: [] });
    expect(isCorsConfigError(foreign)).toBe(true);
    expect(isCorsConfigError(new Error('x'))).toBe(false);
    expect(isCorsConfigError('ERR_CORS_CONFIG')).toBe(false);
  });
});

describe('origin is required and validated', () => {
  it('has no silent default: a missing origin suggests * or a list', () => {
    const issue = only({});
    expect(issue).toMatchObject({ code: 'origin_required', option: 'origin' });
    expect(issue.message).toContain("'*'");
  });

  it('refuses options that are not an object', () => {
    expect(only(null).code).toBe('options_invalid');
    expect(only(['https://a.example']).code).toBe('options_invalid');
  });

  it('refuses origin: true, which would reflect every origin', () => {
    expect(only({ origin: true })).toMatchObject({ code: 'origin_reflect_all', value: true });
  });

  it('refuses origin: false and points to leaving the middleware out', () => {
    expect(only({ origin: false }).code).toBe('origin_disabled');
  });

  it('refuses an empty list', () => {
    expect(only({ origin: [] }).code).toBe('origin_empty_list');
  });

  it.each([
    ['https://app.example.com/', 'origin_trailing_slash', "write 'https://app.example.com'"],
    ['https://app.example.com/path', 'origin_has_path', "write 'https://app.example.com'"],
    ['https://app.example.com?q', 'origin_has_path', "write 'https://app.example.com'"],
    ['https://App.Example.com', 'origin_uppercase', "write 'https://app.example.com'"],
    ['HTTPS://APP.EXAMPLE.COM:443/', 'origin_uppercase', "write 'https://app.example.com'"],
    ['https://app.example.com:443', 'origin_default_port', "write 'https://app.example.com'"],
    ['http://app.example.com:80', 'origin_default_port', "write 'http://app.example.com'"],
    ['https://app.example.com:99999', 'origin_invalid_port', 'from 0 to 65535'],
    ['https://app.example.com:http', 'origin_invalid_port', 'from 0 to 65535'],
    ['https://App.example.com:8443', 'origin_uppercase', "write 'https://app.example.com:8443'"],
    ['https://app..example.com:8443', 'origin_invalid_host', 'lower-case ASCII domain'],
    ['https://app.example.com:0443', 'origin_invalid_port', 'without leading zeros'],
    ['app.example.com', 'origin_missing_scheme', "'https://app.example.com'"],
    ['//app.example.com', 'origin_missing_scheme', "'https://app.example.com'"],
    [
      'https://a.example, https://b.example',
      'origin_comma_list',
      "['https://a.example', 'https://b.example']",
    ],
    [' https://app.example.com', 'origin_whitespace', "write 'https://app.example.com'"],
    ['https://user@app.example.com', 'origin_has_userinfo', "write 'https://app.example.com'"],
    ['https://app..example.com', 'origin_invalid_host', 'lower-case ASCII domain'],
    ['https://bücher.example', 'origin_invalid_host', 'punycode'],
    [`https://${'a'.repeat(1100)}.com`, 'origin_too_long', '1024'],
  ])('refuses %j with %s and says what to write', (value, code, fix) => {
    const issue = only({ origin: value });
    expect(issue.code).toBe(code);
    expect(issue.option).toBe('origin');
    expect(issue.value).toBe(value);
    expect(issue.message).toContain(fix);
  });

  it("refuses '*' inside a list", () => {
    const issue = only({ origin: ['https://a.example', '*'] });
    expect(issue).toMatchObject({ code: 'origin_wildcard_in_list', option: 'origin[1]' });
  });

  it('names the index of a bad entry in a list', () => {
    const issues = issuesOf({ origin: ['https://ok.example', 'https://bad.example/', 42] });
    expect(issues.map((issue) => [issue.option, issue.code])).toEqual([
      ['origin[1]', 'origin_trailing_slash'],
      ['origin[2]', 'origin_invalid_type'],
    ]);
  });

  it.each([
    ['https://*.com', 'origin_pattern_too_broad'],
    ['https://a*.example.com', 'origin_pattern_invalid'],
    ['https://*', 'origin_pattern_invalid'],
    ['https://*.*.example.com', 'origin_pattern_invalid'],
    ['https://*.example.com:8*', 'origin_pattern_invalid'],
    ['https://*.127.0.0.1', 'origin_pattern_invalid'],
    ['https://*.exa mple.com', 'origin_whitespace'],
    ['https://*.example.com:443', 'origin_default_port'],
    ['https://*.example..com', 'origin_pattern_invalid'],
  ])('refuses the pattern %s (%s)', (value, code) => {
    expect(only({ origin: value }).code).toBe(code);
  });

  it.each([
    'https://*.example.com',
    'http://localhost:*',
    'https://*.example.com:*',
    'http://*.localhost:3000',
    'http://[::1]:*',
  ])('accepts the pattern %s', (value) => {
    expect(() => createCorsPolicy({ origin: value })).not.toThrow();
  });

  it('refuses an unanchored RegExp, which would match https://example.com.evil.com', () => {
    const issue = only({ origin: /example\.com/ });
    expect(issue.code).toBe('origin_regexp_unanchored');
    // The suggestion is a whole origin, scheme included, or it could never match.
    expect(issue.message).toContain('write /^https:\\/\\/example\\.com$/');
    expect(only({ origin: /https:\/\/example\.com$/ }).message).toContain(
      'write /^https:\\/\\/example\\.com$/',
    );
    expect(only({ origin: /\.example\.com$/ }).message).toContain(
      "write the pattern 'https://*.example.com'",
    );
    expect(only({ origin: /^https:\/\/example\.com/ }).code).toBe('origin_regexp_unanchored');
    expect(only({ origin: /example\.com$/ }).code).toBe('origin_regexp_unanchored');
    expect(only({ origin: /^https:\/\/example\.com\$/ }).code).toBe('origin_regexp_unanchored');
  });

  it('refuses a top-level alternation that anchors only its ends', () => {
    const issue = only({ origin: /^https:\/\/a\.example\.com|https:\/\/b\.example\.com$/ });
    expect(issue.code).toBe('origin_regexp_unanchored');
    expect(issue.message).toContain(
      '/^(?:https:\\/\\/a\\.example\\.com|https:\\/\\/b\\.example\\.com)$/',
    );
    const inner = only({ origin: /^https:\/\/a\.example\.com$|^https:\/\/b\.example\.com$/ });
    expect(inner.message).toContain(
      '/^(?:https:\\/\\/a\\.example\\.com|https:\\/\\/b\\.example\\.com)$/',
    );
  });

  it('refuses an unescaped dot, which would let https://appxexample.com in', () => {
    expect(only({ origin: /^https:\/\/app.example\.com$/ }).code).toBe(
      'origin_regexp_unescaped_dot',
    );
  });

  it.each([
    /^https:\/\/(a+)+\.example\.com$/,
    /^https:\/\/(a|aa)*\.example\.com$/,
    /^https:\/\/(\w+\d?)*\.example\.com$/,
    /^https:\/\/((a+))+$/,
    /^https:\/\/(a+){2,}$/,
  ])('refuses %s, which can backtrack catastrophically', (regexp) => {
    expect(only({ origin: regexp }).code).toBe('origin_regexp_backtracking');
  });

  it.each([
    /^https:\/\/([a-z0-9-]+\.)*example\.com$/,
    /^https:\/\/(?:app|admin)\.example\.com$/,
    /^https:\/\/(www\.)?example\.com(:\d{2,5})?$/,
    /^https:\/\/\w{1,3}\.example\.com$/,
    /^https:\/\/[a-z\]]+\.example\.com$/,
  ])('accepts the safe RegExp %s', (regexp) => {
    expect(() => createCorsPolicy({ origin: regexp })).not.toThrow();
  });

  it('describes any kind of bad value without throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(only({ origin: circular }).message).toContain('[object Object]');
    expect(only({ origin: Symbol('x') }).message).toContain('Symbol(x)');
    expect(only({ origin: '*', maxAge: 10n }).message).toContain('got 10');
    expect(only({ origin: '*', methods: [function listMethods() {}] }).message).toContain(
      'function listMethods',
    );
    expect(only({ origin: '*', methods: [() => {}] }).message).toMatch(/function/);
    expect(only({ origin: '*', methods: [/GET/] }).message).toContain('/GET/');
    expect(only({ origin: '*', maxAge: 'x'.repeat(200) }).message).toContain('…');
  });

  it('refuses an origin of the wrong type with the accepted forms', () => {
    const issue = only({ origin: 42 });
    expect(issue.code).toBe('origin_invalid_type');
    expect(issue.message).toContain('anchored RegExp');
  });
});

describe('credentials refuses unsafe combinations at start-up', () => {
  it("refuses credentials with origin '*', which browsers reject and reflection would make dangerous", () => {
    expect(only({ origin: '*', credentials: true })).toMatchObject({
      code: 'credentials_with_wildcard_origin',
      option: 'credentials',
    });
    expect(only({ origin: '*', credentials: () => true }).code).toBe(
      'credentials_with_wildcard_origin',
    );
  });

  it("refuses credentials with 'null', which any sandboxed iframe sends", () => {
    expect(only({ origin: ['null', 'https://a.example'], credentials: true }).code).toBe(
      'credentials_with_null_origin',
    );
  });

  it('refuses credentials with plain-http origins that anyone on the path can impersonate', () => {
    const issue = only({
      origin: ['http://app.example.com', 'http://*.example.org'],
      credentials: true,
    });
    expect(issue.code).toBe('credentials_with_insecure_origin');
    expect(issue.message).toContain('dangerouslyAllowInsecureOrigins');
    expect(issue.value).toEqual(['http://app.example.com', 'http://*.example.org']);
  });

  it('refuses credentials with plain ws: origins too, but not wss:, https: or ws: on loopback', () => {
    const issue = only({
      origin: [
        'ws://app.example.com',
        'wss://app.example.com',
        'https://app.example.com',
        'ws://localhost:8080',
        'ws://*.example.org',
      ],
      credentials: true,
    });
    expect(issue.code).toBe('credentials_with_insecure_origin');
    expect(issue.value).toEqual(['ws://app.example.com', 'ws://*.example.org']);
  });

  it('allows credentials with plain-http loopback origins', () => {
    expect(() =>
      createCorsPolicy({
        origin: [
          'http://localhost:3000',
          'http://127.0.0.1:8080',
          'http://[::1]:5173',
          'http://app.localhost',
          'http://localhost:*',
        ],
        credentials: true,
      }),
    ).not.toThrow();
  });

  it('allows plain-http origins with credentials only when dangerouslyAllowInsecureOrigins is set', () => {
    expect(() =>
      createCorsPolicy({
        origin: 'http://intranet.example',
        credentials: true,
        dangerouslyAllowInsecureOrigins: true,
      }),
    ).not.toThrow();
  });

  it.each([
    ['exposedHeaders', { exposedHeaders: '*' }, 'credentials_with_wildcard_exposed_headers'],
    ['allowedHeaders', { allowedHeaders: ['*'] }, 'credentials_with_wildcard_allowed_headers'],
    ['methods', { methods: '*' }, 'credentials_with_wildcard_methods'],
  ])(
    "refuses '*' in %s with credentials, where browsers take it literally",
    (_name, extra, code) => {
      expect(only({ origin: 'https://a.example', credentials: true, ...extra }).code).toBe(code);
    },
  );

  it('refuses a credentials value that is not a boolean or function', () => {
    expect(only({ origin: 'https://a.example', credentials: 'true' }).code).toBe(
      'credentials_invalid_type',
    );
  });
});

describe('methods, headers, maxAge and the rest are validated', () => {
  it.each(['CONNECT', 'TRACE', 'track'])('refuses the forbidden method %s', (method) => {
    expect(only({ origin: '*', methods: [method] }).code).toBe('methods_forbidden');
  });

  it("refuses a lower-case standard method, which browsers upper-case: 'put' → 'PUT'", () => {
    const issue = only({ origin: '*', methods: ['GET', 'put'] });
    expect(issue).toMatchObject({ code: 'methods_not_normalized', option: 'methods[1]' });
    expect(issue.message).toContain("write 'PUT'");
  });

  it('accepts a custom method in any case, since it is sent as written', () => {
    expect(createCorsPolicy({ origin: '*', methods: ['patch', 'PURGE'] }).options.methods).toEqual([
      'patch',
      'PURGE',
    ]);
  });

  it('refuses a method that is not a token', () => {
    expect(only({ origin: '*', methods: ['GET POST'] }).code).toBe('methods_invalid_token');
    expect(only({ origin: '*', methods: 42 }).code).toBe('methods_invalid_type');
  });

  it('splits comma-separated strings like the cors package does', () => {
    const policy = createCorsPolicy({
      origin: '*',
      methods: 'GET, PUT,DELETE',
      allowedHeaders: 'Content-Type, X-A',
      exposedHeaders: 'ETag',
    });
    expect(policy.options.methods).toEqual(['GET', 'PUT', 'DELETE']);
    expect(policy.options.allowedHeaders).toEqual(['content-type', 'x-a']);
    expect(policy.options.exposedHeaders).toEqual(['etag']);
  });

  it('refuses header names that are not tokens, naming the index', () => {
    expect(only({ origin: '*', allowedHeaders: ['X-Ok', 'X Bad'] })).toMatchObject({
      code: 'allowed_headers_invalid_token',
      option: 'allowedHeaders[1]',
    });
    expect(only({ origin: '*', exposedHeaders: ['X:Bad'] }).code).toBe(
      'exposed_headers_invalid_token',
    );
    expect(only({ origin: '*', exposedHeaders: 'ETag, X Bad' })).toMatchObject({
      option: 'exposedHeaders',
      value: 'X Bad',
    });
    expect(only({ origin: '*', allowedHeaders: 5 }).code).toBe('allowed_headers_invalid_type');
    expect(only({ origin: '*', exposedHeaders: {} }).code).toBe('exposed_headers_invalid_type');
  });

  it.each([-1, 1.5, '600', Number.NaN])('refuses maxAge %j', (maxAge) => {
    expect(only({ origin: '*', maxAge }).code).toBe('max_age_invalid');
  });

  it('refuses a maxAge beyond what any browser keeps', () => {
    expect(only({ origin: '*', maxAge: 86401 }).code).toBe('max_age_too_large');
    expect(() => createCorsPolicy({ origin: '*', maxAge: 86400 })).not.toThrow();
  });

  it.each([199, 300, 404, 204.5, '204'])('refuses optionsSuccessStatus %j', (status) => {
    expect(only({ origin: '*', optionsSuccessStatus: status }).code).toBe(
      'options_success_status_invalid',
    );
  });

  it.each([
    ['preflightContinue', 'preflight_continue_invalid_type'],
    ['allowPrivateNetwork', 'allow_private_network_invalid_type'],
    ['dangerouslyAllowInsecureOrigins', 'dangerously_allow_insecure_origins_invalid_type'],
  ])('refuses a non-boolean %s', (option, code) => {
    expect(only({ origin: 'https://a.example', [option]: 'yes' }).code).toBe(code);
  });

  it("refuses allowPrivateNetwork with origin '*'", () => {
    expect(only({ origin: '*', allowPrivateNetwork: true }).code).toBe(
      'private_network_with_wildcard_origin',
    );
  });
});

describe('allowedHeaders refuses names a browser never puts in a preflight', () => {
  it('refuses Cookie, saying credentials: true is what sends cookies', () => {
    const issue = only({ origin: 'https://a.example', allowedHeaders: ['Content-Type', 'Cookie'] });
    expect(issue).toMatchObject({ code: 'allowed_headers_forbidden', option: 'allowedHeaders[1]' });
    expect(issue.message).toContain('credentials: true');
  });

  it.each([
    'Host',
    'Content-Length',
    'Origin',
    'Sec-Fetch-Mode',
    'Proxy-Authorization',
    'Cookie2',
    'Connection',
  ])('refuses %s, a forbidden request-header name', (name) => {
    const issue = only({ origin: 'https://a.example', allowedHeaders: name });
    expect(issue).toMatchObject({
      code: 'allowed_headers_forbidden',
      option: 'allowedHeaders',
      value: name,
    });
    expect(issue.message).toMatch(/Remove it\.$/);
  });

  it('still accepts them in exposedHeaders, and ordinary names in allowedHeaders', () => {
    expect(() =>
      createCorsPolicy({
        origin: 'https://a.example',
        allowedHeaders: ['Authorization', 'X-Sec'],
        exposedHeaders: ['Content-Length'],
      }),
    ).not.toThrow();
  });
});

describe('unknown options are refused, with the name to use instead', () => {
  it.each([
    ['allowHeaders', "'allowedHeaders'"],
    ['allowMethods', "'methods'"],
    ['exposeHeaders', "'exposedHeaders'"],
    ['strictPreflight', 'always checked strictly'],
    ['keepHeadersOnError', 'always kept'],
    ['hideOptionsRoute', '@cors/fastify'],
    ['origins', "'origin'"],
    ['preflight', 'preflightContinue'],
  ])('refuses %s and says %s', (option, hint) => {
    const issue = issuesOf({ origin: '*', [option]: 1 }).find((i) => i.code === 'option_unknown');
    expect(issue?.option).toBe(option);
    expect(issue?.message).toContain(hint);
  });

  it.each([
    ['orgin', 'origin'],
    ['credentails', 'credentials'],
    ['allowedHeader', 'allowedHeaders'],
    ['Credentials', 'credentials'],
    ['maxage_', 'maxAge'],
    ['exposedHeadrs', 'exposedHeaders'],
    ['preflightContinu', 'preflightContinue'],
  ])('asks "did you mean" for the typo %s', (typo, name) => {
    const issue = issuesOf({ origin: '*', [typo]: 1 }).find((i) => i.code === 'option_unknown');
    expect(issue?.message).toBe(`is not an option of @cors/core; did you mean '${name}'?`);
  });

  it('lists the known options for a name it has never seen', () => {
    expect(only({ origin: '*', colour: 'blue' }).message).toContain('allowedHeaders');
  });
});

describe('every problem is reported at once', () => {
  it('collects problems from every option in one error', () => {
    const codes = issuesOf({
      origin: ['https://A.example/', '*', 'https://*.com', /foo/, 'http://evil.example', 'null'],
      credentials: true,
      methods: ['put', 'TRACE'],
      allowHeaders: ['x'],
      maxAge: -1,
      exposedHeaders: '*',
    }).map((issue) => issue.code);
    expect(codes.sort()).toEqual(
      [
        'option_unknown',
        'origin_uppercase',
        'origin_wildcard_in_list',
        'origin_pattern_too_broad',
        'origin_regexp_unanchored',
        'methods_not_normalized',
        'methods_forbidden',
        'max_age_invalid',
        'credentials_with_null_origin',
        'credentials_with_insecure_origin',
        'credentials_with_wildcard_exposed_headers',
      ].sort(),
    );
  });
});

describe('a valid policy', () => {
  it('fills in the documented defaults', () => {
    const policy = createCorsPolicy({ origin: 'https://a.example' });
    expect(policy.options).toEqual({
      origin: ['https://a.example'],
      credentials: false,
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      allowedHeaders: 'reflect',
      exposedHeaders: [],
      maxAge: undefined,
      preflightContinue: false,
      optionsSuccessStatus: 204,
      allowPrivateNetwork: false,
      dangerouslyAllowInsecureOrigins: false,
    });
    expect(policy.warnings).toEqual([]);
    expect('isAsync' in policy).toBe(false);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.options)).toBe(true);
  });

  it('is recognised by isCorsPolicy, and options are not', () => {
    const policy = createCorsPolicy({ origin: '*' });
    expect(isCorsPolicy(policy)).toBe(true);
    expect(isCorsPolicy({ origin: '*' })).toBe(false);
    expect(isCorsPolicy(null)).toBe(false);
  });

  it('drops duplicate methods and header names', () => {
    const policy = createCorsPolicy({
      origin: '*',
      methods: ['PUT', 'PUT'],
      allowedHeaders: ['X-A', 'x-a', '*', '*'],
    });
    expect(policy.options.methods).toEqual(['PUT']);
    expect(policy.options.allowedHeaders).toEqual(['x-a', '*']);
  });
});
