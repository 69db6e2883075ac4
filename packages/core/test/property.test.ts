/**
 * Property-based tests: the parsers and the decision never throw on any input, and every decision
 * equals a small, independent reference model of the Fetch Standard's rules written for this test.
 * `FUZZ_RUNS` raises the number of cases (the `test:fuzz` task runs 10^6).
 */
import punycode from 'node:punycode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCorsPolicy,
  parseOrigin,
  type CorsDecision,
  type CorsRequest,
} from '../src/index.js';
import { diagnoseNotAnOrigin } from '../src/origin-config.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const FUZZ = { numRuns: RUNS };

const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/),
  fc.constantFrom('xn--bcher-kva', 'xn--', 'xn--abc-', 'xn--a', 'xn--55qx5d'),
  fc.stringMatching(/^[a-z0-9-]{0,8}$/).map((rest) => `xn--${rest}`),
);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const scheme = fc.constantFrom('http', 'https');
const port = fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined });
const hostilePiece = fc.constantFrom(
  '',
  '/',
  '.',
  ':',
  '@',
  ',',
  ' ',
  '\t',
  'A',
  '%60',
  '*',
  '..',
  ':443',
  ':80',
  '.evil.com',
  'null',
  '[::1]',
  '\u0430',
);
/** Origins: mostly well-formed, some mutated toward the attacks CORS middleware gets wrong. */
const originValue = fc.oneof(
  fc.tuple(scheme, domain, port).map(([s, d, p]) => `${s}://${d}${p === undefined ? '' : `:${p}`}`),
  fc.tuple(scheme, domain, hostilePiece, hostilePiece).map(([s, d, a, b]) => `${s}://${d}${a}${b}`),
  fc.tuple(hostilePiece, scheme, domain).map(([a, s, d]) => `${a}${s}://${d}`),
  fc.constantFrom(
    'null',
    'NULL',
    '',
    'https://app.example.com',
    'https://a.example.com',
    'https://example.com',
  ),
  fc.string({ maxLength: 40 }),
);

/** RFC 3492 by Node's own decoder: decodes, is not ASCII only, has no lone surrogate, round-trips. */
function isIdnLabel(label: string): boolean {
  try {
    const decoded = punycode.decode(label);
    return (
      [...decoded].some((char) => char.charCodeAt(0) > 0x7f) &&
      !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(decoded) &&
      punycode.encode(decoded) === label
    );
  } catch {
    return false;
  }
}

/** An independent model of parseOrigin's acceptance, by the URL Standard's serialization rules. */
function modelIsOrigin(value: string): boolean {
  if (value === 'null') return true;
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^:/?#@\s]+)(?::(\d+))?$/.exec(value);
  if (!m) return false;
  const [, s, host, p] = m as unknown as [string, string, string, string | undefined];
  if (value.length > 1024) return false;
  if (p !== undefined) {
    if (p.length > 5 || (p.length > 1 && p.startsWith('0')) || Number(p) > 65535) return false;
    const defaults: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };
    if (defaults[s] === Number(p)) return false;
  }
  if (host.length > 253 || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(host)) return false;
  if (host.split('.').some((l) => l.length > 63)) return false;
  // IDN labels are punycode that decodes to something non-ASCII (URL Standard "domain to ASCII").
  if (host.split('.').some((l) => l.startsWith('xn--') && !isIdnLabel(l.slice(4)))) return false;
  const last = host.split('.').pop() as string;
  if (/^\d+$/.test(last) || /^0x/.test(last)) {
    const parts = host.split('.');
    return (
      parts.length === 4 && parts.every((x) => /^(0|[1-9]\d{0,2})$/.test(x) && Number(x) <= 255)
    );
  }
  return true;
}

const ALLOWED = ['https://app.example.com', 'http://localhost:3000'];
const PATTERN_SUFFIX = '.example.org';
const METHODS = ['PUT', 'PATCH'];
const HEADERS = ['x-custom', 'content-type'];

/** The reference model: what the spec says the decision for this policy must be. */
function model(request: CorsRequest): Pick<CorsDecision, 'kind' | 'allowed'> & { acao?: string } {
  const origin = request.origin;
  if (origin == null) return { kind: 'not-cors', allowed: true };
  const isPreflight = request.method === 'OPTIONS' && request.requestMethod != null;
  const kind = isPreflight ? 'preflight' : 'actual';
  let originOk = false;
  if (modelIsOrigin(origin) && origin !== 'null') {
    if (ALLOWED.includes(origin)) originOk = true;
    const m = /^https:\/\/([^:]+)$/.exec(origin);
    if (
      m &&
      m[1]!.endsWith(PATTERN_SUFFIX) &&
      m[1]!.length > PATTERN_SUFFIX.length &&
      !/^[\d.]+$/.test(m[1]!)
    )
      originOk = true;
  }
  if (!originOk) return { kind, allowed: false };
  if (!isPreflight) return { kind, allowed: true, acao: origin };
  const raw = request.requestMethod as string;
  // Fetch §2.2.1: the six standard methods are upper-cased in any case; others stay as written.
  const rm = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(raw.toUpperCase())
    ? raw.toUpperCase()
    : raw;
  const methodOk =
    /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/.test(rm) &&
    (['GET', 'HEAD', 'POST'].includes(rm) || METHODS.includes(rm));
  if (!methodOk) return { kind, allowed: false, acao: origin };
  const rh = request.requestHeaders ?? '';
  if (rh !== '') {
    if (rh.length > 4096) return { kind, allowed: false, acao: origin };
    const names = rh.split(',').map((n) => n.replace(/^[ \t]+|[ \t]+$/g, ''));
    if (names.length > 64 || names.some((n) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n)))
      return { kind, allowed: false, acao: origin };
    if (names.some((n) => !HEADERS.includes(n.toLowerCase())))
      return { kind, allowed: false, acao: origin };
  }
  return { kind, allowed: true, acao: origin };
}

const policy = createCorsPolicy({
  origin: [...ALLOWED, `https://*${PATTERN_SUFFIX}`],
  credentials: true,
  methods: METHODS,
  allowedHeaders: HEADERS,
});

const headerList = fc.oneof(
  fc
    .array(
      fc.constantFrom('x-custom', 'X-Custom', 'content-type', 'x-other', '', ' ', 'a b', 'x(y'),
      { maxLength: 5 },
    )
    .map((a) => a.join(fc.sample(fc.constantFrom(',', ', ', ' ,'), 1)[0])),
  fc.string({ maxLength: 30 }),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'OPTIONS', 'PUT', 'options'),
  origin: fc.option(originValue, { nil: undefined }),
  requestMethod: fc.option(
    fc.oneof(
      fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'put', 'PUT,PATCH', ''),
      fc.string({ maxLength: 10 }),
    ),
    { nil: undefined },
  ),
  requestHeaders: fc.option(headerList, { nil: undefined }),
  requestPrivateNetwork: fc.option(fc.constantFrom('true', 'false', ''), { nil: undefined }),
});

describe('properties', () => {
  it('parseOrigin never throws and agrees with an independent model of origin serialization', () => {
    fc.assert(
      fc.property(originValue, (value) => {
        const parsed = parseOrigin(value);
        expect(parsed !== null).toBe(modelIsOrigin(value));
        if (parsed !== null) expect(parsed.serialized).toBe(value);
      }),
      FUZZ,
    );
  });

  it('no check for a mistyped origin fires on an origin a browser sends (so parseOrigin may come first)', () => {
    fc.assert(
      fc.property(originValue, (value) => {
        if (parseOrigin(value)?.kind !== 'tuple') return;
        // Past every check, and not a pattern: only the last step's verdict on the host is left.
        const diagnosis = diagnoseNotAnOrigin(value);
        expect(diagnosis.kind === 'issue' && diagnosis.issue.code).toBe('origin_invalid_host');
      }),
      FUZZ,
    );
  });

  it('parseOrigin never throws on arbitrary strings, including unicode', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (value) => void parseOrigin(value),
      ),
      FUZZ,
    );
  });

  it('decide never throws and equals the reference model', () => {
    fc.assert(
      fc.property(request, (req) => {
        const decision = policy.decide(req) as CorsDecision;
        const expected = model(req);
        expect({ kind: decision.kind, allowed: decision.allowed }).toEqual({
          kind: expected.kind,
          allowed: expected.allowed,
        });
        expect(decision.headers['access-control-allow-origin']).toBe(expected.acao);
        // Credentials only ever go with an allowed origin.
        if (decision.headers['access-control-allow-credentials'] !== undefined)
          expect(expected.acao).toBeDefined();
      }),
      FUZZ,
    );
  });

  it('an allowed origin is always covered by a configured entry', () => {
    fc.assert(
      fc.property(originValue, (origin) => {
        const decision = policy.decide({ method: 'GET', origin }) as CorsDecision;
        if (!decision.allowed) return;
        const covered =
          ALLOWED.includes(origin) ||
          (origin.startsWith('https://') &&
            !origin.slice(8).includes(':') &&
            origin.endsWith(PATTERN_SUFFIX) &&
            origin.length > 8 + PATTERN_SUFFIX.length);
        expect(covered).toBe(true);
      }),
      FUZZ,
    );
  });

  it('decide never throws on any header values at all', () => {
    const wild = fc.option(fc.string({ unit: 'binary', maxLength: 100 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        wild,
        wild,
        wild,
        wild,
        (method, origin, requestMethod, requestHeaders, requestPrivateNetwork) => {
          for (const p of [
            policy,
            createCorsPolicy({ origin: '*' }),
            createCorsPolicy({ origin: 'https://app.example.com' }),
          ]) {
            const decision = p.decide({
              method,
              origin,
              requestMethod,
              requestHeaders,
              requestPrivateNetwork,
            }) as CorsDecision;
            // Nothing from the request but an allowed origin and a valid method/header list is echoed.
            for (const [name, value] of Object.entries(decision.headers)) {
              if (name === 'access-control-allow-origin')
                expect(value === '*' || value === origin).toBe(true);
              expect(value).not.toMatch(/[\r\n\0]/);
            }
          }
        },
      ),
      FUZZ,
    );
  });
});
