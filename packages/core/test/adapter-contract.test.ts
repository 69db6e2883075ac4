import http from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  CORS_REASONS,
  CorsAdapterError,
  CorsError,
  DENIED_ORIGIN_PREFLIGHT_STATUS,
  ERR_CORS_ADAPTER_OPTIONS,
  ERR_CORS_SELECTOR_RESULT,
  checkDecisionListener,
  corsDisabledDecision,
  decideCors,
  corsPolicySource,
  createCorsPolicy,
  headerString,
  isThenable,
  keepVary,
  mergedVary,
  policyForRequest,
  preflightFraming,
  replyHeaderTarget,
  writeCorsDecision,
  writeCorsHeaders,
  type CorsDecision,
} from '../src/index.js';

const APP = 'https://app.example.com';
const policy = createCorsPolicy({ origin: [APP] });

describe('decideCors', () => {
  it('decides by the policy when there is one, and as a CORS-off route when there is none', () => {
    const request = { method: 'GET', origin: APP };
    expect(decideCors(policy, request)).toBe(policy.decide(request));
    expect(decideCors(null, request)).toBe(corsDisabledDecision(request));
    expect((decideCors(null, request) as CorsDecision).reason).toBe('cors-disabled');
  });
});

describe('corsDisabledDecision', () => {
  it('refuses a preflight to a CORS-off route like a refused origin, with its own reason', () => {
    const decision = corsDisabledDecision({ method: 'OPTIONS', origin: APP, requestMethod: 'PUT' });
    const refused = policy.decide({
      method: 'OPTIONS',
      origin: 'https://evil.example',
      requestMethod: 'PUT',
    }) as CorsDecision;
    expect(decision).toMatchObject({
      kind: 'preflight',
      allowed: false,
      reason: 'cors-disabled',
      end: true,
      status: DENIED_ORIGIN_PREFLIGHT_STATUS,
      headers: {},
    });
    expect([decision.status, decision.vary, decision.headers]).toEqual([
      refused.status,
      refused.vary,
      refused.headers,
    ]);
    expect(Object.isFrozen(decision)).toBe(true);
    expect(CORS_REASONS[decision.reason]).toContain('CORS is off');
  });

  it('lets an actual request reach a CORS-off route with no CORS header and no Vary', () => {
    expect(corsDisabledDecision({ method: 'GET', origin: APP })).toMatchObject({
      kind: 'actual',
      allowed: false,
      reason: 'cors-disabled',
      headers: {},
      vary: '',
      end: false,
    });
    expect(corsDisabledDecision({ method: 'OPTIONS', origin: APP }).kind).toBe('actual');
  });

  it('lets a request without Origin through with nothing refused', () => {
    expect(corsDisabledDecision({ method: 'GET' })).toMatchObject({
      kind: 'not-cors',
      allowed: true,
      end: false,
      vary: '',
    });
  });
});

describe('preflightFraming', () => {
  it('says Content-Length: 0 on every status but 204, which may not carry it', () => {
    const allowed = policy.decide({
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'PUT',
    }) as CorsDecision;
    expect(preflightFraming(allowed)).toEqual({ status: 204, headers: {} });
    expect(preflightFraming({ ...allowed, status: 200 })).toEqual({
      status: 200,
      headers: { 'content-length': '0' },
    });
    expect(preflightFraming({ ...allowed, status: undefined }).status).toBe(204);
    expect(
      preflightFraming(
        corsDisabledDecision({ method: 'OPTIONS', origin: APP, requestMethod: 'PUT' }),
      ),
    ).toBe(preflightFraming({ ...allowed, status: 403 }));
  });
});

describe('headerString and mergedVary', () => {
  it.each([
    [undefined, undefined],
    [null, undefined],
    ['a', 'a'],
    [['a', 'b'], 'a, b'],
    [3, '3'],
  ])('reads %j as %j', (value, expected) => {
    expect(headerString(value)).toBe(expected);
  });

  it('returns what to set, or undefined when every token is there', () => {
    expect(mergedVary(undefined, 'Origin')).toBe('Origin');
    expect(mergedVary(['Accept'], 'Origin')).toBe('Accept, Origin');
    expect(mergedVary('accept, origin', 'Origin')).toBeUndefined();
    expect(mergedVary('Accept', '')).toBeUndefined();
  });
});

/** A header store shaped like Node's response, for the pure writer. */
function store(initial: Record<string, unknown> = {}) {
  const headers: Record<string, unknown> = { ...initial };
  return {
    headers,
    getHeader: (name: string) => headers[name],
    setHeader: (name: string, value: string) => {
      headers[name] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name];
    },
  };
}

describe('writeCorsHeaders', () => {
  it('sets the CORS headers and merges Vary with what the response has', () => {
    const target = store({ vary: 'Accept' });
    writeCorsHeaders(target, policy.decide({ method: 'GET', origin: APP }) as CorsDecision, false);
    expect(target.headers).toEqual({ vary: 'Accept, Origin', 'access-control-allow-origin': APP });
  });

  it('lets a later, refusing policy remove the grant an earlier one wrote', () => {
    const target = store({ 'access-control-allow-origin': APP, vary: 'Origin' });
    const strict = createCorsPolicy({ origin: ['https://admin.example.com'] });
    writeCorsHeaders(target, strict.decide({ method: 'GET', origin: APP }) as CorsDecision, true);
    expect(target.headers).toEqual({ vary: 'Origin' });
  });
});

describe('replyHeaderTarget', () => {
  it("writes through a reply whose setter is header(name, value), as Fastify's is", () => {
    const target = store({ 'access-control-allow-origin': '*', vary: 'Accept' });
    const reply = {
      getHeader: target.getHeader,
      header: (name: string, value: string) => target.setHeader(name, value),
      removeHeader: target.removeHeader,
    };
    writeCorsHeaders(
      replyHeaderTarget(reply),
      policy.decide({ method: 'GET', origin: APP }) as CorsDecision,
      true,
    );
    expect(target.headers).toEqual({ vary: 'Accept, Origin', 'access-control-allow-origin': APP });
  });
});

describe('writeCorsDecision', () => {
  /** A response that records the Vary tokens kept past the route, and nothing else. */
  function response(initial: Record<string, unknown> = {}) {
    const target = store(initial);
    return { ...target, writeHead: () => undefined };
  }

  it('writes the headers and keeps Vary past the route for a request that goes on', () => {
    const res = response({ vary: 'Accept' });
    const decision = policy.decide({ method: 'GET', origin: APP }) as CorsDecision;
    expect(writeCorsDecision(res, res, decision, false)).toBeUndefined();
    expect(res.headers).toEqual({ vary: 'Accept, Origin', 'access-control-allow-origin': APP });
    // The route replaces Vary; writing the head puts the decision's tokens back.
    res.setHeader('vary', 'Accept-Encoding');
    res.writeHead();
    expect(res.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('keeps nothing for a decision that varies on nothing', () => {
    const res = response();
    const writeHead = res.writeHead;
    expect(writeCorsDecision(res, res, corsDisabledDecision({ method: 'GET' }), false)).toBe(
      undefined,
    );
    expect([res.headers, res.writeHead]).toEqual([{}, writeHead]);
  });

  it('returns the framing of a preflight answer, to send now', () => {
    const res = response({ 'access-control-allow-origin': APP });
    const refused = corsDisabledDecision({ method: 'OPTIONS', origin: APP, requestMethod: 'PUT' });
    expect(writeCorsDecision(res, res, refused, true)).toBe(preflightFraming(refused));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('keepVary', () => {
  async function serve(route: (res: http.ServerResponse) => void): Promise<string | undefined> {
    const server = http.createServer((_req, res) => {
      res.setHeader('vary', 'Origin');
      keepVary(res, 'Origin');
      keepVary(res, 'Origin, Access-Control-Request-Method');
      route(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.arrayBuffer();
      return response.headers.get('vary') ?? undefined;
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('puts the CORS tokens back when the route overwrites Vary with setHeader', async () => {
    expect(
      await serve((res) => {
        res.setHeader('Vary', 'Accept-Encoding');
        res.end('x');
      }),
    ).toBe('Accept-Encoding, Origin, Access-Control-Request-Method');
  });

  it("merges the response's Vary, the one given to writeHead and the tokens, once each", async () => {
    expect(
      await serve((res) => {
        res.writeHead(200, { ETag: '"1"', Vary: 'Accept, origin', 'Content-Type': 'text/plain' });
        res.end('x');
      }),
    ).toBe('Origin, Accept, Access-Control-Request-Method');
  });

  it('keeps the tokens when writeHead gets a status message and no Vary', async () => {
    expect(
      await serve((res) => {
        res.removeHeader('vary');
        res.writeHead(200, 'OK', { 'Content-Type': 'text/plain' });
        res.end('x');
      }),
    ).toBe('Origin, Access-Control-Request-Method');
  });

  it('leaves a Vary that already holds every token as the route wrote it', async () => {
    expect(
      await serve((res) => {
        res.setHeader('Vary', 'access-control-request-method, origin');
        res.end('x');
      }),
    ).toBe('access-control-request-method, origin');
  });

  it('merges into the Vary of a head object without touching the response, as Fastify sends its headers', () => {
    // Fastify keeps a reply's headers out of the response until `writeHead(status, headers)`,
    // and Node writes such a head fast only while the response holds no header of its own.
    const res = new http.ServerResponse(new http.IncomingMessage(new Socket()));
    keepVary(res, 'Origin');
    const headers = { vary: 'Accept-Encoding', 'content-type': 'text/plain' };
    const setHeader = vi.spyOn(res, 'setHeader');
    res.writeHead(200, headers);
    expect(setHeader).not.toHaveBeenCalled();
    expect(headers.vary).toBe('Accept-Encoding, Origin');
    expect((res as unknown as { _header: string })._header).toContain(
      'vary: Accept-Encoding, Origin\r\n',
    );
  });

  it('sends a head whose Vary is exactly the tokens as it is, as Fastify usually writes one', () => {
    const res = new http.ServerResponse(new http.IncomingMessage(new Socket()));
    keepVary(res, 'Origin');
    const headers = { vary: 'Origin', 'content-type': 'text/plain' };
    res.writeHead(200, headers);
    expect(headers.vary).toBe('Origin');
    expect((res as unknown as { _header: string })._header).toContain('vary: Origin\r\n');
  });

  it('leaves a header list given as an array to Node', async () => {
    expect(
      await serve((res) => {
        res.writeHead(200, ['X-A', '1']);
        res.end('x');
      }),
    ).toBe('Origin, Access-Control-Request-Method');
  });
});

describe('isThenable, corsPolicySource and policyForRequest', () => {
  it('tells a promise from a decision', () => {
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable({ then: 1 })).toBe(false);
    expect(isThenable(null)).toBe(false);
    expect(isThenable(policy)).toBe(false);
  });

  it('tells a selector and a policy from options', () => {
    const select = () => policy;
    expect(corsPolicySource(select)).toBe(select);
    expect(corsPolicySource(policy)).toBe(policy);
    expect(corsPolicySource({ origin: [APP] })).toBeUndefined();
  });

  it('asks the selector per request and refuses options it returns', () => {
    const byHost = new Map([['a.example', policy]]);
    const select = (host: string) => (byHost.get(host) ?? { origin: '*' }) as typeof policy;
    expect(policyForRequest(select, 'a.example')).toBe(policy);
    expect(policyForRequest(policy, 'anything')).toBe(policy);
    expect(() => policyForRequest(select, 'b.example')).toThrow(
      expect.objectContaining({ code: ERR_CORS_SELECTOR_RESULT }),
    );
  });
});

describe('CorsAdapterError', () => {
  it('names the option and keeps the cause', () => {
    const cause = new Error('root');
    const error = new CorsAdapterError(ERR_CORS_ADAPTER_OPTIONS, 'hook', 'bad hook', { cause });
    expect(error).toBeInstanceOf(CorsError);
    expect([error.code, error.option, error.cause, error.name]).toEqual([
      ERR_CORS_ADAPTER_OPTIONS,
      'hook',
      cause,
      'CorsAdapterError',
    ]);
    expect('cause' in new CorsAdapterError(ERR_CORS_ADAPTER_OPTIONS, 'x', 'y')).toBe(false);
  });

  it('refuses an onDecision that is not a function, naming the value and the fix', () => {
    expect(() => checkDecisionListener(undefined, '@cors/x')).not.toThrow();
    expect(() => checkDecisionListener(() => {}, '@cors/x')).not.toThrow();
    expect(() => checkDecisionListener('log', '@cors/x')).toThrow(
      expect.objectContaining({ code: ERR_CORS_ADAPTER_OPTIONS, option: 'onDecision' }),
    );
    expect(() => checkDecisionListener(null, '@cors/x')).toThrow(/got null/);
  });
});
