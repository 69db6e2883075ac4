/**
 * `withCors` and the two halves on Node's own `Request` and `Response`: what they do to the
 * handler's response, called directly and over real HTTP.
 */
import http, { type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CorsError,
  createCorsPolicy,
  isCorsConfigError,
  type CorsDecision,
  type CorsPolicy,
} from '@cors/core';
import { applyCors, corsPreflight, preflightResponse, withCors } from '../src/index.js';
import { close, listen, serveFetch } from './http.js';

const APP = 'https://app.example.com';
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => close(server)));
});

function request(method: string, headers: Record<string, string> = {}, url = 'http://api.test/x') {
  return new Request(url, { method, headers });
}

const preflightHeaders = { origin: APP, 'access-control-request-method': 'PUT' };

describe('withCors', () => {
  it('passes every extra argument through to the handler (Workers’ env and ctx)', async () => {
    const env = { DB: 'db' };
    const ctx = { waitUntil: () => undefined };
    let seen: unknown[] = [];
    const handle = withCors(
      (_request: Request, ...rest: [typeof env, typeof ctx]) => {
        seen = rest;
        return new Response('ok');
      },
      { origin: [APP] },
    );
    const response = await handle(request('GET', { origin: APP }), env, ctx);
    expect(seen).toEqual([env, ctx]);
    expect(seen[0]).toBe(env);
    expect(seen[1]).toBe(ctx);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('answers a preflight itself: the handler never runs', async () => {
    let ran = 0;
    const handle = withCors(
      () => {
        ran++;
        return new Response('route');
      },
      { origin: [APP] },
    );
    const response = await handle(request('OPTIONS', preflightHeaders));
    expect(ran).toBe(0);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(response.headers.has('content-length')).toBe(false);
    expect(await response.text()).toBe('');
  });

  it('frames a preflight answered with 200 with Content-Length: 0 and no body', async () => {
    const handle = withCors(() => new Response('route'), {
      origin: [APP],
      optionsSuccessStatus: 200,
    });
    const response = await handle(request('OPTIONS', preflightHeaders));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('0');
    expect(await response.text()).toBe('');
  });

  it('lets an OPTIONS request that is not a preflight reach the handler', async () => {
    const handle = withCors(() => new Response('options route'), { origin: [APP] });
    const response = await handle(request('OPTIONS', { origin: APP }));
    expect(await response.text()).toBe('options route');
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('merges Vary with the handler’s own Vary instead of replacing it', async () => {
    const handle = withCors(() => new Response('x', { headers: { vary: 'Accept-Encoding' } }), {
      origin: [APP],
    });
    const response = await handle(request('GET', { origin: 'https://evil.example' }));
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('sets Vary: Origin on a request without Origin too', async () => {
    const handle = withCors(() => new Response('x'), { origin: [APP] });
    const response = await handle(request('GET'));
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('returns the same response object, changed, when its headers can change', async () => {
    const original = new Response('x');
    const handle = withCors(() => original, { origin: [APP] });
    const response = await handle(request('GET', { origin: APP }));
    expect(response).toBe(original);
  });

  it('returns synchronously for a synchronous handler and policy, a promise otherwise', async () => {
    const sync = withCors(() => new Response('x'), { origin: [APP] });
    expect(sync(request('GET', { origin: APP }))).toBeInstanceOf(Response);
    const asyncHandler = withCors(async () => new Response('x'), { origin: [APP] });
    expect(asyncHandler(request('GET', { origin: APP }))).toBeInstanceOf(Promise);
    const asyncOrigin = withCors(() => new Response('x'), {
      origin: async (origin: string) => origin === APP,
    });
    expect(asyncOrigin(request('GET', { origin: APP }))).toBeInstanceOf(Promise);
  });

  it('supports async origin functions: allows what they allow, refuses what they refuse', async () => {
    const handle = withCors(() => new Response('x'), {
      origin: async (origin: string) => origin.endsWith('.example.com'),
      credentials: true,
    });
    const allowed = await handle(request('GET', { origin: APP }));
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const refused = await handle(request('GET', { origin: 'https://evil.example' }));
    expect(refused.headers.has('access-control-allow-origin')).toBe(false);
    const preflight = await handle(request('OPTIONS', preflightHeaders));
    expect(preflight.status).toBe(204);
  });

  it('propagates an error thrown by the handler unchanged, synchronously or as a rejection', async () => {
    const boom = new Error('boom');
    const throws = withCors(
      () => {
        throw boom;
      },
      { origin: [APP] },
    );
    expect(() => throws(request('GET', { origin: APP }))).toThrow(boom);
    const rejects = withCors(() => Promise.reject(boom), { origin: [APP] });
    await expect(rejects(request('GET', { origin: APP }))).rejects.toBe(boom);
  });

  it('propagates an error of an async origin function unchanged', async () => {
    const boom = new Error('database down');
    const handle = withCors(() => new Response('x'), {
      origin: async () => {
        throw boom;
      },
    });
    await expect(handle(request('GET', { origin: APP }))).rejects.toBe(boom);
  });

  it('calls onDecision once per request with the decision and the request', async () => {
    const seen: [CorsDecision, Request][] = [];
    const handle = withCors(() => new Response('x'), {
      origin: [APP],
      onDecision: (decision, req) => seen.push([decision, req]),
    });
    const get = request('GET', { origin: 'https://evil.example' });
    await handle(get);
    const preflight = request('OPTIONS', preflightHeaders);
    await handle(preflight);
    expect(seen.map(([d]) => `${d.kind} ${d.reason}`)).toEqual([
      'actual origin-not-allowed',
      'preflight allowed',
    ]);
    expect(seen[0]![1]).toBe(get);
    expect(seen[1]![1]).toBe(preflight);
  });

  it('takes onDecision as the third argument with a policy', async () => {
    const reasons: string[] = [];
    const handle = withCors(() => new Response('x'), createCorsPolicy({ origin: [APP] }), {
      onDecision: (decision) => reasons.push(decision.reason),
    });
    await handle(request('GET', { origin: APP }));
    expect(reasons).toEqual(['allowed']);
  });

  it('selects the policy per request with a function of the Request', async () => {
    const tenants = new Map([
      ['a.test', createCorsPolicy({ origin: ['https://app.a.test'] })],
      ['b.test', createCorsPolicy({ origin: ['https://app.b.test'] })],
    ]);
    const fallback = createCorsPolicy({ origin: [APP] });
    const handle = withCors(
      () => new Response('x'),
      (req) => tenants.get(new URL(req.url).hostname) ?? fallback,
    );
    const a = await handle(request('GET', { origin: 'https://app.a.test' }, 'http://a.test/'));
    expect(a.headers.get('access-control-allow-origin')).toBe('https://app.a.test');
    const crossed = await handle(
      request('GET', { origin: 'https://app.a.test' }, 'http://b.test/'),
    );
    expect(crossed.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('refuses options returned by a selector, naming the fix', async () => {
    const handle = withCors(
      () => new Response('x'),
      () => ({ origin: [APP] }) as unknown as CorsPolicy,
    );
    expect(() => handle(request('GET', { origin: APP }))).toThrow(
      expect.objectContaining({ code: 'ERR_CORS_SELECTOR_RESULT' }),
    );
  });

  it('validates the options once, when wrapping, with every problem', () => {
    let error: unknown;
    try {
      withCors(() => new Response('x'), {
        origin: ['https://app.example.com/'],
        allowMethods: ['GET'],
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCorsConfigError(error)).toBe(true);
    expect((error as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(['origin_trailing_slash', 'option_unknown']),
    );
  });

  it('refuses a non-function onDecision and options given before the handler, with a code', () => {
    expect(() =>
      withCors(() => new Response('x'), { origin: [APP], onDecision: 'log' as never }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CORS_ADAPTER_OPTIONS' }));
    let error: unknown;
    try {
      withCors({ origin: [APP] } as never, (() => new Response('x')) as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CorsError);
    expect((error as CorsError).code).toBe('ERR_CORS_ADAPTER_OPTIONS');
    expect((error as CorsError).message).toContain('handler comes first');
  });
});

describe('responses whose headers cannot change', () => {
  it('copies a response from fetch() (immutable headers), body and status intact', async () => {
    const { server, port } = await listen((_req, res) => {
      res.setHeader('vary', 'Accept-Encoding');
      res.setHeader('x-upstream', 'yes');
      res.statusCode = 201;
      res.end('from upstream');
    });
    servers.push(server);
    let upstream: Response | undefined;
    const handle = withCors(
      async () => {
        upstream = await fetch(`http://127.0.0.1:${port}/`);
        return upstream;
      },
      { origin: [APP] },
    );
    const response = await handle(request('GET', { origin: APP }));
    // The Fetch Standard's "immutable" guard, for real: setting a header throws.
    expect(() => upstream!.headers.set('x-test', '1')).toThrow(TypeError);
    expect(response).not.toBe(upstream);
    expect(upstream!.headers.has('access-control-allow-origin')).toBe(false);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(await response.text()).toBe('from upstream');
  });

  it('copies Response.redirect() (immutable headers), keeping status and Location', async () => {
    let redirect: Response | undefined;
    const handle = withCors(
      () => (redirect = Response.redirect('https://elsewhere.example/next', 307)),
      { origin: [APP] },
    );
    const response = await handle(request('GET', { origin: APP }));
    expect(() => redirect!.headers.set('x-test', '1')).toThrow(TypeError);
    expect(response).not.toBe(redirect);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('https://elsewhere.example/next');
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(redirect!.headers.has('access-control-allow-origin')).toBe(false);
  });

  it('returns Response.error() as it is (a network error carries no headers)', async () => {
    const error = Response.error();
    const handle = withCors(() => error, { origin: [APP] });
    const response = await handle(request('GET', { origin: APP }));
    expect(response).toBe(error);
    expect(response.type).toBe('error');
    expect([...response.headers]).toEqual([]);
  });
});

describe('bodies', () => {
  it('streams a body through as it comes: the first chunk arrives before the last is made', async () => {
    let releaseSecond: () => void = () => undefined;
    const secondAllowed = new Promise<void>((resolve) => (releaseSecond = resolve));
    const bytes = [new Uint8Array([0xff, 0x00, 0x80]), new Uint8Array([0x01, 0xfe])];
    const handle = withCors(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(bytes[0]!);
              // Only once the client has the first chunk: a wrapper that buffered would hang here.
              await secondAllowed;
              controller.enqueue(bytes[1]!);
              controller.close();
            },
          }),
          { headers: { 'content-type': 'application/octet-stream' } },
        ),
      { origin: [APP] },
    );
    const { server, port } = await serveFetch(handle);
    servers.push(server);
    const { chunks, headers } = await new Promise<{
      chunks: Buffer[];
      headers: http.IncomingHttpHeaders;
    }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false });
      req.setHeader('origin', APP);
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          releaseSecond();
        });
        res.on('end', () => resolve({ chunks, headers: res.headers }));
      });
      req.end();
    });
    expect(headers['access-control-allow-origin']).toBe(APP);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect([...Buffer.concat(chunks)]).toEqual([0xff, 0x00, 0x80, 0x01, 0xfe]);
  });
});

describe('the two halves', () => {
  const policy = createCorsPolicy({ origin: [APP], credentials: true });

  it('corsPreflight answers a preflight and returns undefined for anything else', () => {
    const answer = corsPreflight(request('OPTIONS', preflightHeaders), policy);
    expect(answer).toBeInstanceOf(Response);
    expect(answer!.status).toBe(204);
    expect(answer!.headers.get('access-control-allow-origin')).toBe(APP);
    expect(corsPreflight(request('GET', { origin: APP }), policy)).toBeUndefined();
    expect(corsPreflight(request('OPTIONS', { origin: APP }), policy)).toBeUndefined();
    const refused = corsPreflight(
      request('OPTIONS', { ...preflightHeaders, origin: 'https://evil.example' }),
      policy,
    );
    expect(refused!.status).toBe(403);
  });

  it('corsPreflight leaves a preflight to the route with preflightContinue', () => {
    const continuing = createCorsPolicy({ origin: [APP], preflightContinue: true });
    expect(corsPreflight(request('OPTIONS', preflightHeaders), continuing)).toBeUndefined();
    const response = applyCors(
      request('OPTIONS', preflightHeaders),
      new Response('mine'),
      continuing,
    );
    expect(response.headers.get('access-control-allow-methods')).toBe('PUT');
  });

  it('applyCors decides with a policy, or applies a decision already made', () => {
    const req = request('GET', { origin: APP });
    const withPolicy = applyCors(req, new Response('x'), policy);
    expect(withPolicy.headers.get('access-control-allow-credentials')).toBe('true');
    const decision = policy.decide({ method: 'GET', origin: APP }) as CorsDecision;
    const withDecision = applyCors(
      req,
      new Response('x', { headers: { vary: 'Cookie' } }),
      decision,
    );
    expect(withDecision.headers.get('access-control-allow-origin')).toBe(APP);
    expect(withDecision.headers.get('vary')).toBe('Cookie, Origin');
  });

  it('applyCors copies a response with immutable headers', () => {
    const redirect = Response.redirect('https://elsewhere.example/', 302);
    const response = applyCors(request('GET', { origin: APP }), redirect, policy);
    expect(response).not.toBe(redirect);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('the halves return promises with an async policy, and call onDecision once per request', async () => {
    const asyncPolicy = createCorsPolicy({ origin: async (origin: string) => origin === APP });
    const reasons: string[] = [];
    const onDecision = (decision: CorsDecision) =>
      reasons.push(`${decision.kind} ${decision.reason}`);
    const preflight = corsPreflight(request('OPTIONS', preflightHeaders), asyncPolicy, {
      onDecision,
    });
    expect(preflight).toBeInstanceOf(Promise);
    expect((await preflight)!.status).toBe(204);
    const get = request('GET', { origin: APP });
    expect(corsPreflight(get, asyncPolicy, { onDecision })).toBeUndefined();
    const applied = applyCors(get, new Response('x'), asyncPolicy, { onDecision });
    expect(applied).toBeInstanceOf(Promise);
    expect((await applied).headers.get('access-control-allow-origin')).toBe(APP);
    expect(reasons).toEqual(['preflight allowed', 'actual allowed']);
  });

  it('refuses options where a policy is needed, with a code', () => {
    expect(() =>
      corsPreflight(request('OPTIONS', preflightHeaders), { origin: [APP] } as never),
    ).toThrow(expect.objectContaining({ code: 'ERR_CORS_ADAPTER_OPTIONS' }));
    expect(() => applyCors(request('GET'), new Response('x'), { origin: [APP] } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CORS_ADAPTER_OPTIONS' }),
    );
  });

  it('preflightResponse frames the decision: its status, its headers, no body', async () => {
    const decision = policy.decide({
      method: 'OPTIONS',
      origin: 'https://evil.example',
      requestMethod: 'PUT',
    }) as CorsDecision;
    const response = preflightResponse(decision);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-length')).toBe('0');
    expect(response.headers.get('vary')).toBe(decision.vary);
    expect(await response.text()).toBe('');
  });
});
