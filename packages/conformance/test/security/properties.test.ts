/**
 * Property-based tests (fast-check): over generated origins, generated patterns
 * (`scheme://*.<domain>[:port]`, `scheme://<host>:*`), generated policies and generated header
 * lists, the core never throws, never emits a header value a server could not send, and every
 * decision equals the independent reference model in src/security/model.ts. The same properties run
 * over real HTTP against every adapter. Accepted origins are also checked against the WHATWG URL
 * parser (Node's `URL`), which shares nothing with the core's parser.
 *
 * `FUZZ_RUNS` sets the number of cases per property (default 3000; `npm run test:fuzz` runs 10^6).
 */
import http from 'node:http';
import {
  createCorsPolicy,
  parseOrigin,
  type CorsDecision,
  type CorsOptions,
  type CorsRequest,
} from '@cors/core';
import fc from 'fast-check';
import { getPublicSuffix } from 'tldts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../../src/apps/index.js';
import { corsPart } from '../../src/http.js';
import { modelDecide, modelParseOrigin, type ModelOptions } from '../../src/security/model.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
/** HTTP cases per adapter: a fiftieth of the core's, at least 100. */
const HTTP_RUNS = Math.max(100, Math.floor(RUNS / 50));
const TIMEOUT = 60_000 + RUNS * 2;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = (numRuns: number) => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });

// ---------------------------------------------------------------------------------------------
// Generators

const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };
/**
 * A pattern may not cover a public suffix (`us.com`, `herokuapp.com`): the core refuses it. Generated
 * domains are kept off the Public Suffix List, read from `tldts`, which shares nothing with the
 * core's generated table.
 */
const isPublicSuffix = (d: string) => getPublicSuffix(d, { allowPrivateDomains: true }) === d;

const anyLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
/** A label a policy may name: an `xn--` label must be valid punycode, which a random one is not. */
const label = anyLabel.filter((l) => !l.startsWith('xn--'));
const tld = fc.constantFrom('com', 'org', 'net', 'test', 'example');
/** A registrable-looking domain: one or two labels and a top-level label. */
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 2 }), tld)
  .map(([labels, top]) => [...labels, top].join('.'))
  .filter((d) => !isPublicSuffix(d));
const port = fc.constantFrom(undefined, 8080, 3000, 443, 80, 21, 1, 65535);

function serialize(scheme: string, host: string, p: number | undefined): string {
  return p === undefined || DEFAULT_PORT[scheme] === p
    ? `${scheme}://${host}`
    : `${scheme}://${host}:${p}`;
}

const policyScheme = fc.constantFrom('https', 'http', 'wss', 'chrome-extension');
const loopbackHost = fc.constantFrom('localhost', '127.0.0.1', '[::1]');

/** One `origin` entry built from the world's domains: exact origin or pattern. */
const originEntry = (domains: string[]) =>
  fc.oneof(
    fc
      .tuple(policyScheme, fc.option(label, { nil: undefined }), fc.constantFrom(...domains), port)
      .map(([s, sub, d, p]) => serialize(s, sub === undefined ? d : `${sub}.${d}`, p)),
    fc
      .tuple(policyScheme, fc.constantFrom(...domains), fc.constantFrom('', ':*', ':8443'))
      .map(([s, d, p]) => `${s}://*.${d}${p}`),
    fc
      .tuple(fc.constantFrom('http', 'https'), fc.oneof(fc.constantFrom(...domains), loopbackHost))
      .map(([s, h]) => `${s}://${h}:*`),
    fc.constantFrom(
      'http://127.0.0.1:8080',
      'http://[::1]:3000',
      'http://10.1.2.3',
      'https://*.localhost',
    ),
  );

const listOrStar = <T>(list: fc.Arbitrary<T>) =>
  fc.option(fc.oneof(list, fc.constant('*' as const)), { nil: undefined });

const METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'patch', 'X-Custom'];
const ALLOWED_HEADERS = [
  'Content-Type',
  'X-Custom',
  'Authorization',
  'x-requested-with',
  'x-custom',
];
const EXPOSED_HEADERS = ['X-Request-Id', 'ETag', 'x-request-id'];

const commonOptions = {
  methods: listOrStar(fc.oneof(fc.subarray(METHODS), fc.constant('PUT, PATCH'))),
  allowedHeaders: listOrStar(
    fc.oneof(
      fc.subarray(ALLOWED_HEADERS),
      fc.constant(['*', 'Authorization']),
      fc.constant('Content-Type, X-Custom'),
    ),
  ),
  exposedHeaders: listOrStar(fc.subarray(EXPOSED_HEADERS)),
  maxAge: fc.option(fc.constantFrom(0, 600, 86400), { nil: undefined }),
  preflightContinue: fc.option(fc.boolean(), { nil: undefined }),
  optionsSuccessStatus: fc.option(fc.constantFrom(200, 204), { nil: undefined }),
};

const hasStar = (value: unknown) =>
  value === '*' || (Array.isArray(value) && (value as unknown[]).includes('*'));

/** Valid options only: the configuration errors are the core's own tests' business. */
const policyOptions = (domains: string[]): fc.Arbitrary<ModelOptions> =>
  fc.oneof(
    fc.record(commonOptions).map((o) => strip({ origin: '*', ...o })),
    fc
      .record({
        ...commonOptions,
        entries: fc.array(originEntry(domains), { minLength: 1, maxLength: 4 }),
        withNull: fc.boolean(),
        credentials: fc.boolean(),
        allowPrivateNetwork: fc.option(fc.boolean(), { nil: undefined }),
      })
      .map(({ entries, withNull, ...o }) => {
        const options: ModelOptions = {
          ...o,
          origin: withNull && !o.credentials ? [...entries, 'null'] : entries,
        };
        if (o.credentials) {
          // '*' is literal with credentials, and plain http needs the explicit flag.
          for (const key of ['methods', 'allowedHeaders', 'exposedHeaders'] as const) {
            if (hasStar(options[key])) delete options[key];
          }
          options.dangerouslyAllowInsecureOrigins = true;
        }
        return strip(options);
      }),
  );

/** Drops keys whose value is undefined, as a user would write the object. */
function strip<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

const hostilePiece = fc.constantFrom(
  '/',
  '.',
  ':',
  ':443',
  ':80',
  ':0',
  '@',
  ',',
  ' ',
  '\t',
  'A',
  '%60',
  '_',
  '`',
  '!',
  '*',
  '..',
  '.evil.com',
  '[::1]',
  '\u0430',
  '\r\n',
  '\u0000',
);

const requestScheme = fc.constantFrom(
  'https',
  'http',
  'ws',
  'wss',
  'ftp',
  'chrome-extension',
  'HTTPS',
);

/** Origins near the policy's entries (so patterns are hit and missed), hostile ones, and noise. */
const requestOrigin = (domains: string[]) => {
  const near = fc
    .tuple(
      requestScheme,
      fc.array(anyLabel, { maxLength: 2 }),
      // '' and '-' glue a label onto the domain (evilexample.com): a suffix check without a dot.
      fc.constantFrom('.', '.', '.', '', '-'),
      fc.oneof(fc.constantFrom(...domains), loopbackHost, fc.constantFrom('10.1.2.3', 'evil.com')),
      port,
    )
    .map(([s, subs, glue, d, p]) =>
      serialize(s, subs.length === 0 ? d : `${subs.join('.')}${glue}${d}`, p),
    );
  return fc.oneof(
    { arbitrary: near, weight: 6 },
    {
      arbitrary: fc.tuple(near, hostilePiece, hostilePiece).map(([o, a, b]) => `${o}${a}${b}`),
      weight: 2,
    },
    { arbitrary: fc.tuple(hostilePiece, near).map(([a, o]) => `${a}${o}`), weight: 1 },
    { arbitrary: fc.constantFrom('null', 'NULL', '', 'null, null'), weight: 1 },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
};

const headerName = fc.oneof(
  fc.constantFrom(
    'content-type',
    'x-custom',
    'authorization',
    'X-Custom',
    'Content-Type',
    'x-requested-with',
    '*',
  ),
  fc.stringMatching(/^[a-zA-Z0-9!#$%&'*+.^_`|~-]{1,10}$/),
);
const ows = fc.constantFrom('', ' ', '\t', '  ');

const requestHeaders = fc.option(
  fc.oneof(
    {
      arbitrary: fc
        .tuple(
          fc.array(headerName, { maxLength: 6 }),
          fc.constantFrom(',', ', ', ' , ', ',\t'),
          ows,
          ows,
        )
        .map(([names, sep, a, b]) => `${a}${names.join(sep)}${b}`),
      weight: 6,
    },
    {
      arbitrary: fc
        .integer({ min: 60, max: 70 })
        .map((n) => Array.from({ length: n }, (_, i) => `x-${i}`).join(',')),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(
        'a'.repeat(4096),
        'a'.repeat(4097),
        ',',
        'a,,b',
        'a b',
        'a,',
        ',a',
        'a;b',
        'x-\u00e9',
        'a,\r\nb',
      ),
      weight: 1,
    },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  ),
  { nil: undefined },
);

const requestMethodValue = fc.option(
  fc.oneof(
    fc.constantFrom(
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'PATCH',
      'patch',
      'DELETE',
      'OPTIONS',
      'PROPFIND',
      'X-Custom',
      'put',
      'CONNECT',
    ),
    fc.constantFrom('', 'PUT, DELETE', 'PUT,GET', 'PUT X', 'A'.repeat(64), 'A'.repeat(65)),
    fc.string({ maxLength: 8 }),
  ),
  { nil: undefined },
);

const method = fc.oneof(
  { arbitrary: fc.constant('OPTIONS'), weight: 4 },
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'get'), weight: 3 },
);

const corsRequest = (domains: string[]): fc.Arbitrary<CorsRequest> =>
  fc
    .record({
      method,
      origin: requestOrigin(domains),
      requestMethod: requestMethodValue,
      requestHeaders,
      requestPrivateNetwork: fc.option(fc.constantFrom('true', 'false', 'TRUE', ''), {
        nil: undefined,
      }),
    })
    .map(strip);

/** A small world of domains, a policy over them, and a request near them. */
const world = fc
  .uniqueArray(domain, { minLength: 1, maxLength: 3 })
  .chain((domains) =>
    fc.record({ options: policyOptions(domains), request: corsRequest(domains) }),
  );

// ---------------------------------------------------------------------------------------------
// Checks shared by the core and the HTTP properties

const decide = (options: ModelOptions, request: CorsRequest): CorsDecision =>
  createCorsPolicy(options as CorsOptions).decide(request) as CorsDecision;

/** What a Node server can write: visible ASCII, space and tab (no CR, LF, NUL, no non-ASCII). */
const SENDABLE = /^[\t\x20-\x7e]*$/;

function expectSafeHeaders(decision: CorsDecision, request: CorsRequest): void {
  for (const value of Object.values(decision.headers)) expect(value).toMatch(SENDABLE);
  const allowOrigin = decision.headers['access-control-allow-origin'];
  if (allowOrigin !== undefined && allowOrigin !== '*') {
    // Reflected only when it is exactly what a browser sends.
    expect(allowOrigin).toBe(request.origin);
    expect(modelParseOrigin(allowOrigin)).not.toBeNull();
  }
  if (decision.headers['access-control-allow-credentials'] !== undefined) {
    expect(allowOrigin).not.toBe('*');
    expect(allowOrigin).toBeDefined();
  }
  if (decision.message !== undefined) expect(decision.message.length).toBeLessThan(400);
}

// ---------------------------------------------------------------------------------------------

describe('the core, against the reference model', () => {
  it(
    'every decision over generated policies (exact origins, patterns, null) and requests equals the model',
    () => {
      fc.assert(
        fc.property(world, ({ options, request }) => {
          const decision = decide(options, request);
          expectSafeHeaders(decision, request);
          const { message: _message, ...rest } = decision;
          expect(rest).toEqual(modelDecide(options, request));
        }),
        params(RUNS),
      );
    },
    TIMEOUT,
  );

  it(
    'never throws and never emits an unsendable header value on arbitrary input (RegExp and function entries too)',
    () => {
      const policies = [
        createCorsPolicy({
          origin: [
            'https://app.example.com',
            'https://*.example.com',
            /^https:\/\/[a-z]+\.example\.org$/,
            (o) => o.endsWith('.example.net'),
          ],
          credentials: true,
          exposedHeaders: ['X-Request-Id'],
          maxAge: 600,
        }),
        createCorsPolicy({ origin: '*', allowedHeaders: '*', methods: '*' }),
        createCorsPolicy({
          origin: ['null', 'http://localhost:*'],
          allowPrivateNetwork: true,
          allowedHeaders: [],
        }),
      ];
      const anyText = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
      );
      const anyRequest = fc.record({
        method: fc.oneof(fc.constantFrom('OPTIONS', 'GET'), anyText),
        origin: fc.option(anyText, { nil: undefined }),
        requestMethod: fc.option(anyText, { nil: undefined }),
        requestHeaders: fc.option(anyText, { nil: undefined }),
        requestPrivateNetwork: fc.option(anyText, { nil: undefined }),
      });
      fc.assert(
        fc.property(fc.constantFrom(0, 1, 2), anyRequest, (index, request) => {
          const decision = policies[index]!.decide(request) as CorsDecision;
          expectSafeHeaders(decision, request);
        }),
        params(RUNS),
      );
    },
    TIMEOUT,
  );

  it(
    'parseOrigin accepts exactly the origins of the model (scheme, host kind and port agree)',
    () => {
      const candidates = fc.oneof(
        requestOrigin(['example.com', 'a-b.example.org']).filter(
          (o): o is string => o !== undefined,
        ),
        fc.string({ maxLength: 40 }),
      );
      fc.assert(
        fc.property(candidates, (value) => {
          const parsed = parseOrigin(value);
          const model = modelParseOrigin(value);
          if (model === null) expect(parsed).toBeNull();
          else if (model === 'null') expect(parsed?.kind).toBe('null');
          else expect(parsed).toMatchObject({ kind: 'tuple', ...model, serialized: value });
        }),
        params(RUNS),
      );
    },
    TIMEOUT,
  );
});

describe('the core, against the WHATWG URL parser', () => {
  it(
    'every origin the core accepts is one that URL serializes to the same string (no path, userinfo, query, fragment, default port, or non-canonical host)',
    () => {
      const candidates = fc.oneof(
        requestOrigin(['example.com', 'xn--pple-43d.com']).filter(
          (o): o is string => o !== undefined,
        ),
        fc
          .tuple(requestScheme, fc.stringMatching(/^[a-z0-9.:[\]x-]{1,20}$/))
          .map(([s, h]) => `${s}://${h}`),
      );
      fc.assert(
        fc.property(candidates, (value) => {
          // Known, harmless deviation: the core does not decode punycode, so it accepts an
          // `xn--` label that is not valid punycode (which URL rejects and no browser sends).
          fc.pre(!/(^|[./])xn--/.test(value));
          const parsed = parseOrigin(value);
          if (parsed === null || parsed.kind === 'null') return;
          const url = new URL(value);
          expect(`${url.protocol}//${url.host}`).toBe(value);
          expect(url.username + url.password + url.search + url.hash).toBe('');
          expect(['', '/']).toContain(url.pathname);
        }),
        params(RUNS),
      );
    },
    TIMEOUT,
  );

  it(
    'every origin a browser serializes (via URL, from any spelling of the host) is accepted',
    () => {
      const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).toUpperCase());
      const host = fc.oneof(
        // Domains in any case (URL lower-cases), with underscores; the last label is alphabetic.
        fc
          .tuple(
            fc.array(fc.stringMatching(/^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,10}[a-zA-Z0-9_])?$/), {
              maxLength: 3,
            }),
            fc.stringMatching(/^[a-zA-Z]{2,6}$/),
          )
          .map(([labels, top]) => [...labels, top].join('.')),
        // IPv4 as one number, in hex, or dotted: URL writes four decimal octets.
        fc.integer({ min: 0, max: 0xffffffff }).map(String),
        fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
        fc
          .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
          .map((parts) => parts.join('.')),
        // IPv6 in full, upper-case form, often with zero runs: URL compresses and lower-cases.
        fc
          .array(fc.oneof(hex, fc.constant('0')), { minLength: 8, maxLength: 8 })
          .map((pieces) => `[${pieces.join(':')}]`),
      );
      // Only hosts URL accepts (a random label can start with xn-- and not be valid punycode).
      const urlHost = host.filter((h) => URL.canParse(`http://${h}`));
      const browserOrigin = fc
        .tuple(
          fc.constantFrom('http', 'https', 'ws', 'wss'),
          urlHost,
          fc.option(fc.nat(65535), { nil: undefined }),
        )
        .map(([s, h, p]) => {
          const url = new URL(`${s}://${h}${p === undefined ? '' : `:${p}`}`);
          return `${url.protocol}//${url.host}`;
        });
      fc.assert(
        fc.property(browserOrigin, (origin) => {
          expect(parseOrigin(origin), origin).not.toBeNull();
        }),
        params(RUNS),
      );
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// Over HTTP: the same model, through every adapter.

/** Policies with string entries only, so that the model applies. */
const HTTP_POLICIES: ModelOptions[] = [
  {
    origin: ['https://app.example.com', 'https://*.example.com', 'http://localhost:*'],
    credentials: true,
    methods: ['PUT', 'PATCH'],
    allowedHeaders: ['Content-Type', 'X-Custom'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  },
  { origin: '*', allowedHeaders: '*', exposedHeaders: ['X-A'] },
  {
    origin: ['https://*.example.org', 'null', 'wss://app.example.com:8443'],
    allowPrivateNetwork: true,
  },
  { origin: ['https://app.example.com'], preflightContinue: true, optionsSuccessStatus: 200 },
];
const HTTP_DOMAINS = ['example.com', 'app.example.com', 'example.org', 'evil.com'];

/** Header values Node's client accepts; the server trims leading and trailing white space. */
const SENDABLE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const trimOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

const httpCase = fc.record({
  policy: fc.nat(HTTP_POLICIES.length - 1),
  method: fc.constantFrom('OPTIONS', 'OPTIONS', 'GET', 'POST', 'PUT', 'DELETE'),
  origin: requestOrigin(HTTP_DOMAINS),
  requestMethod: requestMethodValue,
  requestHeaders,
  requestPrivateNetwork: fc.option(fc.constantFrom('true', 'false'), { nil: undefined }),
});

function request(
  agent: http.Agent,
  port: number,
  method: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/vector', agent, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode as number,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body,
        }),
      );
    });
    req.end();
  });
}

describe.each(adapterApps)('$name, over HTTP, against the reference model', (adapter) => {
  const apps: RunningApp[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    for (const policy of HTTP_POLICIES)
      apps.push(await adapter.start({ policy: policy as CorsOptions }));
  });

  afterAll(async () => {
    agent.destroy();
    await Promise.all(apps.map((app) => app.close()));
  });

  it(
    'sends exactly the CORS headers, Vary tokens and status of the model for generated requests',
    async () => {
      await fc.assert(
        fc.asyncProperty(httpCase, async (c) => {
          const sent: Record<string, string> = {};
          const values = {
            origin: c.origin,
            'access-control-request-method': c.requestMethod,
            'access-control-request-headers': c.requestHeaders,
            'access-control-request-private-network': c.requestPrivateNetwork,
          };
          for (const [name, value] of Object.entries(values)) {
            if (value === undefined) continue;
            fc.pre(SENDABLE_VALUE.test(value));
            sent[name] = value;
          }
          // What the server reads: the value as sent, without leading and trailing white space.
          const received = (name: string) => {
            const value = sent[name];
            return value === undefined ? undefined : trimOws(value);
          };
          const expected = modelDecide(HTTP_POLICIES[c.policy]!, {
            method: c.method,
            origin: received('origin'),
            requestMethod: received('access-control-request-method'),
            requestHeaders: received('access-control-request-headers'),
            requestPrivateNetwork: received('access-control-request-private-network'),
          });
          const reply = await request(agent, apps[c.policy]!.port, c.method, sent);
          const cors = corsPart(reply);
          expect(cors.headers).toEqual(expected.headers);
          expect(cors.lines).toBe(Object.keys(expected.headers).length);
          const tokens = (v: string) =>
            new Set(
              v
                .split(',')
                .map((t) => t.trim().toLowerCase())
                .filter(Boolean),
            );
          expect(tokens(cors.vary)).toEqual(tokens(expected.vary));
          if (expected.end) {
            expect(reply.status).toBe(expected.status);
            expect(reply.body).toBe('');
          } else {
            expect(reply.status).toBe(200);
            expect(reply.body).toBe('route');
          }
        }),
        params(HTTP_RUNS),
      );
    },
    TIMEOUT,
  );
});
