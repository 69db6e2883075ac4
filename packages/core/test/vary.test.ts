import { describe, expect, it } from 'vitest';
import {
  appendVary,
  applyCorsHeaders,
  corsRequestFromHeaderRecord,
  corsRequestFromHeaders,
  createCorsPolicy,
  originFromRawHeaders,
  type CorsDecision,
} from '../src/index.js';

describe('appendVary', () => {
  it.each([
    [undefined, 'Origin', 'Origin'],
    ['', 'Origin', 'Origin'],
    ['Accept-Encoding', 'Origin', 'Accept-Encoding, Origin'],
    ['origin', 'Origin', 'origin'],
    [
      'Accept-Encoding, ORIGIN',
      'Origin, Access-Control-Request-Method',
      'Accept-Encoding, ORIGIN, Access-Control-Request-Method',
    ],
    ['*', 'Origin', '*'],
    ['Accept, *', 'Origin', '*'],
    ['Accept', '*', '*'],
    ['Accept', '', 'Accept'],
    [undefined, '', ''],
    ['Accept,,Accept', 'Origin', 'Accept, Origin'],
    ['  Accept  ', 'accept', 'Accept'],
    [undefined, 'Origin, origin', 'Origin'],
    ['Accept', 'Origin,', 'Accept, Origin'],
    ['Origin', 'Origin', 'Origin'],
    [' Origin ', ' Origin ', 'Origin'],
  ])('merges %j with %j into %j', (existing, tokens, expected) => {
    expect(appendVary(existing, tokens)).toBe(expected);
  });
});

describe('appendVary on a response without Vary', () => {
  it('answers right for any number of distinct token lists (its memo is bounded)', () => {
    for (let i = 0; i < 600; i++) expect(appendVary(undefined, `X-${i}, x-${i}`)).toBe(`X-${i}`);
    expect(appendVary('', 'Origin, Origin')).toBe('Origin');
  });
});

describe('applyCorsHeaders', () => {
  class FakeHeaders {
    readonly map = new Map<string, string>();
    get(name: string) {
      return this.map.get(name.toLowerCase()) ?? null;
    }
    set(name: string, value: string) {
      this.map.set(name.toLowerCase(), value);
    }
  }

  it('sets the CORS headers and merges Vary with what is there', () => {
    const headers = new FakeHeaders();
    headers.set('Vary', 'Accept-Encoding');
    const policy = createCorsPolicy({ origin: ['https://a.example'], credentials: true });
    const decision = policy.decide({ method: 'GET', origin: 'https://a.example' }) as CorsDecision;
    expect(applyCorsHeaders(headers, decision)).toBe(headers);
    expect(Object.fromEntries(headers.map)).toEqual({
      vary: 'Accept-Encoding, Origin',
      'access-control-allow-origin': 'https://a.example',
      'access-control-allow-credentials': 'true',
    });
  });

  it('sets Vary when the response has none', () => {
    const headers = new FakeHeaders();
    applyCorsHeaders(
      headers,
      createCorsPolicy({ origin: ['https://a.example'] }).decide({ method: 'GET' }) as CorsDecision,
    );
    expect(headers.get('vary')).toBe('Origin');
  });

  it('leaves Vary alone when the decision adds none', () => {
    const headers = new FakeHeaders();
    applyCorsHeaders(
      headers,
      createCorsPolicy({ origin: '*' }).decide({ method: 'GET' }) as CorsDecision,
    );
    expect(headers.get('vary')).toBeNull();
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('reads Origin alone from a Fetch-style Headers on methods other than OPTIONS', () => {
    const headers = new FakeHeaders();
    headers.set('Origin', 'https://a.example');
    headers.set('Access-Control-Request-Method', 'PUT');
    expect(corsRequestFromHeaders('GET', headers)).toEqual({
      method: 'GET',
      origin: 'https://a.example',
    });
  });

  it('reads the four request headers from a Fetch-style Headers on OPTIONS', () => {
    const headers = new FakeHeaders();
    headers.set('Origin', 'https://a.example');
    headers.set('Access-Control-Request-Method', 'PUT');
    expect(corsRequestFromHeaders('OPTIONS', headers)).toEqual({
      method: 'OPTIONS',
      origin: 'https://a.example',
      requestMethod: 'PUT',
      requestHeaders: null,
      requestPrivateNetwork: null,
    });
  });
});

describe('corsRequestFromHeaderRecord', () => {
  it('reads the four request headers of a Node-style header object on OPTIONS', () => {
    expect(
      corsRequestFromHeaderRecord('OPTIONS', {
        origin: 'https://a.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': ['x-a', 'x-b'],
        'access-control-request-private-network': null,
      }),
    ).toEqual({
      method: 'OPTIONS',
      origin: 'https://a.example',
      requestMethod: 'PUT',
      requestHeaders: 'x-a, x-b',
      requestPrivateNetwork: undefined,
    });
  });

  it('reads Origin alone on other methods, joining a list so that decide refuses it', () => {
    const request = corsRequestFromHeaderRecord('GET', {
      origin: ['https://a.example', 'https://b.example'],
      'access-control-request-method': 'PUT',
    });
    expect(request).toEqual({ method: 'GET', origin: 'https://a.example, https://b.example' });
    const decision = createCorsPolicy({ origin: ['https://a.example'] }).decide(request);
    expect(decision).toMatchObject({ allowed: false, reason: 'origin-malformed' });
    expect(corsRequestFromHeaderRecord('GET', { origin: 7 }).origin).toBe('7');
    expect(corsRequestFromHeaderRecord('GET', {}).origin).toBeUndefined();
  });
});

describe('originFromRawHeaders', () => {
  it('returns the one Origin line as sent', () => {
    expect(
      originFromRawHeaders(['Host', 'x', 'Origin', 'https://a.example', 'Accept', '*/*']),
    ).toBe('https://a.example');
  });

  it('joins a duplicated Origin, in any case, so the core refuses it as malformed', () => {
    const joined = originFromRawHeaders([
      'origin',
      'https://a.example',
      'ORIGIN',
      'https://evil.example',
    ]);
    expect(joined).toBe('https://a.example, https://evil.example');
    const policy = createCorsPolicy({ origin: ['https://a.example'] });
    expect((policy.decide({ method: 'GET', origin: joined }) as CorsDecision).reason).toBe(
      'origin-malformed',
    );
  });

  it('returns undefined without an Origin line, ignoring look-alike names', () => {
    expect(
      originFromRawHeaders(['Origins', 'x', 'Referer', 'https://a.example/', 'Xrigin', 'y']),
    ).toBeUndefined();
  });
});
