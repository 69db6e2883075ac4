/**
 * Denial of service through CORS request headers: oversized, repeated and malformed values are
 * answered (no crash, no hang, the next request is served) without echoing them; the core's work on
 * a hostile value grows at most linearly with its size; a RegExp origin prone to catastrophic
 * backtracking is refused at start-up, and one the heuristic misses only ever sees well-formed,
 * bounded origins.
 */
import {
  createCorsPolicy,
  isCorsConfigError,
  MAX_ORIGIN_LENGTH,
  MAX_REQUEST_HEADERS_COUNT,
  MAX_REQUEST_HEADERS_LENGTH,
  MAX_REQUEST_METHOD_LENGTH,
  type CorsDecision,
  type CorsOptions,
  type CorsRequest,
} from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../../src/apps/index.js';
import {
  corsLines,
  headerValues,
  rawExchange,
  rawRequest,
  type RawHeaderLine,
  type RawReply,
} from '../../src/security/raw.js';
import { growthRatio } from '../../src/security/timing.js';

const ORIGIN = 'https://app.example.com';
// Reflecting allowedHeaders is the mode that echoes request input: the one to attack.
const POLICY: CorsOptions = { origin: [ORIGIN], credentials: true };
const MiB = 1 << 20;

const preflight = (lines: (RawHeaderLine | string)[]) =>
  rawRequest('OPTIONS', '/api/hello', [['Origin', ORIGIN], ...lines]);

/** The server is still up and correct after the attack. */
async function expectStillServes(app: RunningApp): Promise<void> {
  const reply = await rawExchange(app.port, rawRequest('GET', '/api/hello', [['Origin', ORIGIN]]));
  expect(reply.status).toBe(200);
  expect(headerValues(reply, 'access-control-allow-origin')).toEqual([ORIGIN]);
}

function expectNotEchoed(reply: RawReply, ...needles: string[]): void {
  for (const needle of needles) {
    expect(reply.head.includes(needle), `the response headers echo ${needle.slice(0, 40)}`).toBe(
      false,
    );
  }
}

describe.each(adapterApps)('$name', (adapter) => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await adapter.start({ policy: POLICY });
  });

  afterAll(async () => {
    await app?.close();
  });

  describe("Node's 16 KiB header limit answers 431 and the server keeps serving:", () => {
    it.each([
      ['1 MiB of commas in Access-Control-Request-Headers', 'Access-Control-Request-Headers', ','],
      ['1 MiB of spaces between two names', 'Access-Control-Request-Headers', ' '],
      ['1 MiB of header names', 'Access-Control-Request-Headers', 'a,'],
      ['a 1 MiB Access-Control-Request-Method', 'Access-Control-Request-Method', 'A'],
      ['a 1 MiB Origin', 'Origin', 'a'],
    ])('%s', async (_attack, name, unit) => {
      const filler = unit.repeat(MiB / unit.length);
      // Leading white space is not counted by Node (see below): put the spaces between names.
      const value = unit === ' ' ? `x-a${filler}x-b` : filler;
      const lines: RawHeaderLine[] =
        name === 'Origin'
          ? [['Origin', `https://${value}.example.com`]]
          : [
              ['Origin', ORIGIN],
              ...(name === 'Access-Control-Request-Method'
                ? []
                : [['Access-Control-Request-Method', 'PUT'] as const]),
              [name, value],
            ];
      const reply = await rawExchange(app.port, rawRequest('OPTIONS', '/api/hello', lines));
      expect(reply.status).toBe(431);
      expect(corsLines(reply)).toEqual([]);
      await expectStillServes(app);
    });
  });

  it.each([
    ['spaces', ' '],
    ['tabs', '\t'],
  ])(
    '1 MiB of %s alone in Access-Control-Request-Headers: Node drops leading white space uncounted, so the value arrives empty and nothing is granted',
    async (_what, unit) => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', unit.repeat(MiB)],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      await expectStillServes(app);
    },
  );

  describe('values under the 16 KiB limit reach the adapter, which refuses them without echo:', () => {
    it('thousands of header names (2000 names, 13 KiB) in Access-Control-Request-Headers', async () => {
      const names = Array.from({ length: 2000 }, (_, i) => `x-h${i}`);
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', names.join(',')],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      expectNotEchoed(reply, 'x-h0', 'x-h1999');
      await expectStillServes(app);
    });

    it('15 KiB of commas in Access-Control-Request-Headers', async () => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', ','.repeat(15 * 1024)],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      expectNotEchoed(reply, ',,,,');
      await expectStillServes(app);
    });

    it('empty names within the length cap (4000 commas)', async () => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', ','.repeat(4000)],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      await expectStillServes(app);
    });

    it('300 repeated Access-Control-Request-Headers lines (joined by Node: over the name cap)', async () => {
      const lines = Array.from(
        { length: 300 },
        (_, i) => ['Access-Control-Request-Headers', `x-r${i}`] as const,
      );
      const reply = await rawExchange(
        app.port,
        preflight([['Access-Control-Request-Method', 'PUT'], ...lines]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      expectNotEchoed(reply, 'x-r0', 'x-r299');
      await expectStillServes(app);
    });

    it('repeated Access-Control-Request-Headers lines smuggling an invalid name', async () => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', 'x-a'],
          ['Access-Control-Request-Headers', 'x-b c'],
          ['Access-Control-Request-Headers', 'x-d'],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual([]);
      expectNotEchoed(reply, 'x-b c');
      await expectStillServes(app);
    });

    it('a few repeated Access-Control-Request-Headers lines of valid names are read as one list (control)', async () => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', 'x-a'],
          ['Access-Control-Request-Headers', 'x-b'],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-headers')).toEqual(['x-a,x-b']);
    });

    it.each([
      ['an overlong Access-Control-Request-Method (10 KiB)', 'A'.repeat(10 * 1024)],
      [
        'an Access-Control-Request-Method one over the cap',
        'A'.repeat(MAX_REQUEST_METHOD_LENGTH + 1),
      ],
      ['a method list with commas', 'PUT, DELETE'],
      ['a method list without spaces', 'PUT,DELETE'],
      ['a safelisted method smuggling another', 'GET,PROPFIND'],
      ['a method with white space', 'PUT X'],
      ['a method with a slash', 'PUT/1'],
    ])('%s', async (_attack, method) => {
      const reply = await rawExchange(
        app.port,
        preflight([['Access-Control-Request-Method', method]]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-methods')).toEqual([]);
      expectNotEchoed(reply, method);
      await expectStillServes(app);
    });

    it('two Access-Control-Request-Method lines', async () => {
      const reply = await rawExchange(
        app.port,
        preflight([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Method', 'PROPFIND'],
        ]),
      );
      expect(reply.status).toBe(204);
      expect(headerValues(reply, 'access-control-allow-methods')).toEqual([]);
      expectNotEchoed(reply, 'PROPFIND');
      await expectStillServes(app);
    });

    it('500 Origin lines', async () => {
      const lines = Array.from({ length: 500 }, () => ['Origin', ORIGIN] as const);
      const reply = await rawExchange(app.port, rawRequest('GET', '/api/hello', lines));
      expect(reply.status).toBe(200);
      expect(corsLines(reply)).toEqual([]);
      await expectStillServes(app);
    });
  });
});

describe('the core decides on a hostile value in time at most linear in its size', () => {
  const policy = createCorsPolicy({ origin: [ORIGIN], credentials: true });
  const decide = (request: CorsRequest): CorsDecision => policy.decide(request);
  const preflightWith = (requestHeaders: string) => () =>
    decide({ method: 'OPTIONS', origin: ORIGIN, requestMethod: 'PUT', requestHeaders });
  /** A flat string, as Node's HTTP parser produces (not a rope left by concatenation). */
  const flat = (value: string) => Buffer.from(value, 'latin1').toString('latin1');

  // Linear work doubles (ratio ~2), quadratic quadruples (~4). Measured: about 1 for all three
  // (each length cap is checked first, and a refusal's message cuts the value before escaping it).
  const BOUND = 3;

  it.each([
    ['commas', ','],
    ['spaces', ' '],
    ['header names', 'a,'],
    ['names with white space', 'a , '],
  ])('1 MiB vs 2 MiB of %s in Access-Control-Request-Headers', (_what, unit) => {
    const small = flat(unit.repeat(MiB / unit.length));
    const large = flat(unit.repeat((2 * MiB) / unit.length));
    expect(preflightWith(small)().reason).toBe('headers-too-large');
    expect(preflightWith(small)().headers['access-control-allow-headers']).toBeUndefined();
    expect(growthRatio(preflightWith(small), preflightWith(large))).toBeLessThan(BOUND);
  });

  it('within the caps, 2 KiB vs 4 KiB of valid names: one linear pass', () => {
    // The most work a value can cost: the longest names, up to both caps.
    const names = (count: number) =>
      Array.from(
        { length: count },
        (_, i) => `x-${String(i).padStart(2, '0')}-${'n'.repeat(58)}`,
      ).join(',');
    const small = names(MAX_REQUEST_HEADERS_COUNT / 2);
    const large = names(MAX_REQUEST_HEADERS_COUNT);
    expect(large.length).toBeLessThanOrEqual(MAX_REQUEST_HEADERS_LENGTH);
    expect(preflightWith(large)().reason).toBe('allowed');
    expect(growthRatio(preflightWith(small), preflightWith(large))).toBeLessThan(BOUND);
  });

  // The values are built once, as an HTTP parser hands them over; only `decide` is timed.
  it('1 MiB vs 2 MiB Origin', () => {
    const origin = (n: number) => {
      const value = flat(`https://${'a'.repeat(n)}.example.com`);
      return () => decide({ method: 'GET', origin: value });
    };
    expect(origin(MiB)().reason).toBe('origin-malformed');
    expect(growthRatio(origin(MiB), origin(2 * MiB))).toBeLessThan(BOUND);
  });

  it('1 MiB vs 2 MiB Access-Control-Request-Method', () => {
    const method = (n: number) => {
      const value = flat('A'.repeat(n));
      return () => decide({ method: 'OPTIONS', origin: ORIGIN, requestMethod: value });
    };
    expect(method(MiB)().reason).toBe('method-malformed');
    expect(growthRatio(method(MiB), method(2 * MiB))).toBeLessThan(BOUND);
  });

  it('a denial message never carries more than a bounded excerpt of the hostile value', () => {
    const decision = decide({
      method: 'OPTIONS',
      origin: ORIGIN,
      requestMethod: 'PUT',
      requestHeaders: 'x y,'.repeat(1000),
    });
    expect(decision.reason).toBe('headers-malformed');
    expect((decision.message ?? '').length).toBeLessThan(400);
  });
});

describe('catastrophic backtracking in a RegExp origin', () => {
  it.each([
    [/^https:\/\/(a+)+\.example\.com$/],
    [/^https:\/\/(a|aa)*\.example\.com$/],
    [/^https:\/\/([a-z]+)*\.example\.com$/],
    [/^https:\/\/(\w+\d*)+\.example\.com$/],
  ])('createCorsPolicy refuses %s at start-up (origin_regexp_backtracking)', (regexp) => {
    let thrown: unknown;
    try {
      createCorsPolicy({ origin: [regexp] });
    } catch (error) {
      thrown = error;
    }
    expect(isCorsConfigError(thrown)).toBe(true);
    const codes = (thrown as { issues: { code: string }[] }).issues.map((issue) => issue.code);
    expect(codes).toEqual(['origin_regexp_backtracking']);
  });

  /**
   * Polynomial backtracking without nested quantifiers (`a*a*a*…`) is refused too: two quantified
   * classes that can match the same characters, one after the other, are the shape the start-up
   * analysis refuses (origin_regexp_backtracking), whatever the nesting.
   *
   * A RegExp that is accepted is still only ever handed a well-formed origin of at most
   * MAX_ORIGIN_LENGTH characters (and a host of at most 253): malformed and overlong values are
   * refused before any RegExp runs. This records every string the RegExp sees.
   */
  class RecordingRegExp extends RegExp {
    readonly seen: string[] = [];
    override test(value: string): boolean {
      this.seen.push(value);
      return super.test(value);
    }
  }
  const recording = () => new RecordingRegExp('^https:\\/\\/[a-z]+\\.example\\.org$');

  const WELL_FORMED = [
    'https://abc.example.org',
    'https://evil.com',
    'https://aaaaaaaaaa.example.net',
  ];
  const MALFORMED = [
    `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.example.org`,
    `https://${'a'.repeat(4096)}!`,
    'https://ABC.example.org',
    'https://abc.example.org/',
    'https://abc.example.org:443',
    'https://abc.example.org, https://abc.example.org',
    'https://user@abc.example.org',
    'HTTPS://abc.example.org',
    'https://abc.example.org.',
    'https://a..example.org',
  ];

  it('refuses competing quantifiers without nesting at start-up (origin_regexp_backtracking)', () => {
    let thrown: unknown;
    try {
      createCorsPolicy({
        origin: [/^https:\/\/[a-z]*[a-z]*[a-z]*[a-z]*\.example\.org$/],
      });
    } catch (error) {
      thrown = error;
    }
    expect(isCorsConfigError(thrown)).toBe(true);
    const codes = (thrown as { issues: { code: string }[] }).issues.map((issue) => issue.code);
    expect(codes).toEqual(['origin_regexp_backtracking']);
  });

  it('only ever sees well-formed origins: the core refuses malformed and overlong ones first', () => {
    const regexp = recording();
    const policy = createCorsPolicy({ origin: [regexp] });
    for (const origin of [...MALFORMED, ...WELL_FORMED]) {
      policy.decide({ method: 'GET', origin });
      policy.decide({ method: 'OPTIONS', origin, requestMethod: 'PUT' });
    }
    expect(new Set(regexp.seen)).toEqual(new Set(WELL_FORMED));
    expect(Math.max(...regexp.seen.map((s) => s.length))).toBeLessThanOrEqual(MAX_ORIGIN_LENGTH);
  });

  it.each(adapterApps)(
    '$name: malformed origins never reach the RegExp over HTTP',
    async (adapter) => {
      const regexp = recording();
      const app = await adapter.start({ policy: { origin: [regexp] } });
      try {
        for (const origin of [...MALFORMED, ...WELL_FORMED]) {
          const reply = await rawExchange(
            app.port,
            rawRequest('GET', '/api/hello', [['Origin', origin]]),
          );
          expect(reply.status).toBe(200);
          const allowed = origin === 'https://abc.example.org';
          expect(headerValues(reply, 'access-control-allow-origin')).toEqual(
            allowed ? [origin] : [],
          );
        }
      } finally {
        await app.close();
      }
      expect(new Set(regexp.seen)).toEqual(new Set(WELL_FORMED));
    },
  );
});
