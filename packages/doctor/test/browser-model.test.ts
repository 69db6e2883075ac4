/**
 * The pure browser model, rule by rule: Fetch's safelists (§3.2.5, §2.2.1, §2.2.2), the CORS check
 * (§4.10) and the CORS-preflight fetch's checks (§4.8) in Chromium's order.
 */
import { describe, expect, it } from 'vitest';
import { corsCheck, readableResponseHeaders } from '../src/cors-check.js';
import { chromiumConsoleMessage } from '../src/messages.js';
import { needsPreflight } from '../src/needs-preflight.js';
import { parseAllowList, preflightCheck, type PreflightAsk } from '../src/preflight-check.js';
import {
  corsUnsafeRequestHeaders,
  isCorsSafelistedRequestHeader,
  isForbiddenRequestHeader,
  mimeEssence,
} from '../src/safelist.js';
import type { PageRequest } from '../src/types.js';

const ORIGIN = 'https://app.example.com';
const page = (init: Partial<PageRequest>): PageRequest => ({
  url: 'https://api.example.com/x',
  origin: ORIGIN,
  method: 'GET',
  headers: [],
  credentials: false,
  ...init,
});

describe('whether a browser preflights (Fetch §3.2.5)', () => {
  it.each([
    ['GET', [], false],
    ['HEAD', [], false],
    ['POST', [['Content-Type', 'text/plain;charset=UTF-8']], false],
    ['POST', [['Content-Type', 'multipart/form-data; boundary=x']], false],
    ['POST', [['Content-Type', 'application/x-www-form-urlencoded']], false],
    ['POST', [['Content-Type', 'application/json']], true],
    ['POST', [['Content-Type', 'text/plain; charset="utf-8"']], true],
    ['GET', [['Accept-Language', 'en-GB,en;q=0.9']], false],
    ['GET', [['Content-Language', 'en (GB)']], true],
    ['GET', [['Accept', 'a'.repeat(129)]], true],
    ['GET', [['Accept', 'a'.repeat(128)]], false],
    ['GET', [['X-Requested-With', 'XMLHttpRequest']], true],
    ['PUT', [], true],
    ['put', [], true],
    ['DELETE', [], true],
  ] as const)('%s with %j: preflight %s', (method, headers, expected) => {
    expect(needsPreflight(page({ method, headers })).needed).toBe(expected);
  });

  it('normalizes get/put/delete but leaves patch as written', () => {
    expect(needsPreflight(page({ method: 'put' })).method).toBe('PUT');
    expect(needsPreflight(page({ method: 'get' })).needed).toBe(false);
    expect(needsPreflight(page({ method: 'patch' })).method).toBe('patch');
  });

  it('lists the CORS-unsafe names lower case, sorted, once', () => {
    expect(
      corsUnsafeRequestHeaders([
        ['X-B', '1'],
        ['x-a', '1'],
        ['X-B', '2'],
        ['Content-Type', 'application/json'],
      ]).map((header) => header.name),
    ).toEqual(['content-type', 'x-a', 'x-b']);
  });

  it('makes every safelisted header unsafe once their values pass 1024 bytes', () => {
    const lines = Array.from({ length: 9 }, () => ['Accept', 'a'.repeat(120)] as const);
    expect(corsUnsafeRequestHeaders(lines)).toEqual([{ name: 'accept', why: 'total-too-long' }]);
    expect(corsUnsafeRequestHeaders(lines.slice(0, 8))).toEqual([]);
  });

  it('drops forbidden request headers, as fetch() does silently', () => {
    const need = needsPreflight(
      page({
        headers: [
          ['Cookie', 'a=1'],
          ['Sec-Fetch-Site', 'none'],
          ['Proxy-Authorization', 'x'],
          ['X-HTTP-Method-Override', 'TRACE'],
          ['X-HTTP-Method-Override', 'PUT'],
        ],
      }),
    );
    expect(need.headers).toEqual([['X-HTTP-Method-Override', 'PUT']]);
    expect(need.findings.filter((f) => f.id === 'forbidden-request-header')).toHaveLength(4);
    expect(isForbiddenRequestHeader('origin', 'x')).toBe(true);
  });

  it('refuses forbidden methods before sending anything', () => {
    const need = needsPreflight(page({ method: 'TRACE' }));
    expect(need.refused).toBe(true);
    expect(need.findings[0]?.id).toBe('forbidden-method');
  });

  it('reads a MIME essence, or fails', () => {
    expect(mimeEssence(' Text/Plain ; charset=utf-8')).toBe('text/plain');
    expect(mimeEssence('text/')).toBeNull();
    expect(mimeEssence('text plain/x')).toBeNull();
    expect(isCorsSafelistedRequestHeader('content-type', 'text/plain{')).toBe(false);
  });
});

describe('the CORS check (Fetch §4.10), in Chromium order', () => {
  const response = (headers: [string, string][], status = 200) => ({ status, headers });

  it.each([
    [[['access-control-allow-origin', '*']], false, undefined],
    [[['access-control-allow-origin', '*']], true, 'wildcard-origin-not-allowed'],
    [[], false, 'missing-allow-origin'],
    [
      [
        ['access-control-allow-origin', ORIGIN],
        ['access-control-allow-origin', ORIGIN],
      ],
      false,
      'multiple-allow-origin-values',
    ],
    [[['access-control-allow-origin', `${ORIGIN}/`]], false, 'allow-origin-mismatch'],
    [[['access-control-allow-origin', 'null']], false, 'allow-origin-mismatch'],
    [[['access-control-allow-origin', 'not a url']], false, 'multiple-allow-origin-values'],
    [[['access-control-allow-origin', 'app.example.com']], false, 'invalid-allow-origin-value'],
    [[['access-control-allow-origin', 'HTTPS://APP.EXAMPLE.COM']], false, 'allow-origin-mismatch'],
    [[['access-control-allow-origin', ORIGIN]], true, 'invalid-allow-credentials'],
    [
      [
        ['access-control-allow-origin', ORIGIN],
        ['access-control-allow-credentials', 'TRUE'],
      ],
      true,
      'invalid-allow-credentials',
    ],
    [
      [
        ['access-control-allow-origin', ORIGIN],
        ['access-control-allow-credentials', 'true'],
      ],
      true,
      undefined,
    ],
  ] as const)('%j with credentials %s: %s', (headers, credentials, expected) => {
    expect(corsCheck(response(headers.map(([n, v]) => [n, v])), ORIGIN, credentials)?.id).toBe(
      expected,
    );
  });

  it('quotes what Chromium quotes', () => {
    const failure = corsCheck(
      response([
        ['access-control-allow-origin', ORIGIN],
        ['access-control-allow-credentials', 'True'],
      ]),
      ORIGIN,
      true,
    );
    expect(failure?.hint).toBe('True');
    expect(chromiumConsoleMessage(failure!, 'https://api.example.com/x', ORIGIN)).toBe(
      "Access to fetch at 'https://api.example.com/x' from origin 'https://app.example.com' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' when the request's credentials mode is 'include'.",
    );
  });

  it("lets the page read safelisted and exposed headers; '*' is literal with credentials", () => {
    const headers: [string, string][] = [
      ['content-type', 'application/json'],
      ['x-request-id', '1'],
      ['x-other', '1'],
      ['set-cookie', 'a=1'],
      ['access-control-expose-headers', '*'],
    ];
    expect(readableResponseHeaders({ status: 200, headers }, false).hidden).toEqual(['set-cookie']);
    expect(readableResponseHeaders({ status: 200, headers }, true).readable).toEqual([
      'content-type',
    ]);
  });
});

describe('the CORS-preflight fetch (Fetch §4.8), in Chromium order', () => {
  const ask = (init: Partial<PreflightAsk> = {}): PreflightAsk => ({
    origin: ORIGIN,
    credentials: false,
    method: 'PUT',
    unsafeHeaderNames: [],
    headerNames: [],
    ...init,
  });
  const allowOrigin: [string, string] = ['access-control-allow-origin', ORIGIN];

  it('fails a redirect first, whatever its headers', () => {
    expect(preflightCheck({ status: 302, headers: [['location', '/x']] }, ask()).failure?.id).toBe(
      'preflight-disallowed-redirect',
    );
  });

  it('checks Access-Control-Allow-Origin before the status', () => {
    expect(preflightCheck({ status: 403, headers: [] }, ask()).failure?.id).toBe(
      'missing-allow-origin',
    );
    expect(preflightCheck({ status: 404, headers: [allowOrigin] }, ask()).failure?.id).toBe(
      'preflight-invalid-status',
    );
  });

  it('fails a list that is not tokens', () => {
    expect(parseAllowList('PUT, , DELETE')).toEqual(['PUT', 'DELETE']);
    expect(parseAllowList('PUT DELETE')).toBeNull();
    expect(
      preflightCheck(
        { status: 204, headers: [allowOrigin, ['access-control-allow-methods', 'PUT;']] },
        ask(),
      ).failure?.id,
    ).toBe('invalid-allow-methods');
  });

  it('compares methods case-sensitively after normalization', () => {
    const headers: [string, string][] = [allowOrigin, ['access-control-allow-methods', 'PATCH']];
    expect(preflightCheck({ status: 204, headers }, ask({ method: 'patch' })).failure).toEqual({
      id: 'method-disallowed',
      hint: 'patch',
      preflight: true,
    });
    expect(
      preflightCheck({ status: 204, headers }, ask({ method: 'PATCH' })).failure,
    ).toBeUndefined();
  });

  it("takes '*' in Access-Control-Allow-Methods literally with credentials", () => {
    const headers: [string, string][] = [
      allowOrigin,
      ['access-control-allow-credentials', 'true'],
      ['access-control-allow-methods', '*'],
    ];
    expect(preflightCheck({ status: 204, headers }, ask()).failure).toBeUndefined();
    expect(preflightCheck({ status: 204, headers }, ask({ credentials: true })).failure?.id).toBe(
      'method-disallowed',
    );
  });

  it("never covers Authorization with '*'", () => {
    const headers: [string, string][] = [allowOrigin, ['access-control-allow-headers', '*']];
    const withAuthorization = ask({
      method: 'POST',
      unsafeHeaderNames: ['authorization', 'x-a'],
      headerNames: ['authorization', 'x-a'],
    });
    expect(preflightCheck({ status: 204, headers }, withAuthorization).failure?.hint).toBe(
      'authorization',
    );
    const listed: [string, string][] = [
      allowOrigin,
      ['access-control-allow-headers', '*, Authorization'],
    ];
    expect(
      preflightCheck({ status: 204, headers: listed }, withAuthorization).failure,
    ).toBeUndefined();
  });

  it('names the first unsafe header not allowed, case-insensitively', () => {
    const headers: [string, string][] = [allowOrigin, ['access-control-allow-headers', 'X-A']];
    expect(
      preflightCheck(
        { status: 204, headers },
        ask({ method: 'POST', unsafeHeaderNames: ['x-a', 'x-b'] }),
      ).failure?.hint,
    ).toBe('x-b');
  });

  it('keeps an answer at most 7200 s in Chromium and 86400 s in Firefox, 5 s by default', () => {
    const withMaxAge = (value: string) =>
      preflightCheck(
        {
          status: 204,
          headers: [
            allowOrigin,
            ['access-control-allow-methods', 'PUT'],
            ['access-control-max-age', value],
          ],
        },
        ask(),
      ).maxAge;
    expect(withMaxAge('600')).toEqual({ header: '600', chromium: 600, firefox: 600 });
    expect(withMaxAge('100000')).toEqual({ header: '100000', chromium: 7200, firefox: 86400 });
    expect(withMaxAge('ten')).toEqual({ header: 'ten', chromium: 5, firefox: 5 });
  });

  it('prefixes only the preflight CORS-check failures, as Chromium does', () => {
    expect(
      chromiumConsoleMessage({ id: 'preflight-invalid-status', preflight: true }, 'u', ORIGIN),
    ).toContain(
      "Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
    );
    expect(
      chromiumConsoleMessage(
        { id: 'method-disallowed', hint: 'PUT', preflight: true },
        'u',
        ORIGIN,
      ),
    ).toBe(
      "Access to fetch at 'u' from origin 'https://app.example.com' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    );
  });
});
