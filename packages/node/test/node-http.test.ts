import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ERR_CORS_ADAPTER_OPTIONS,
  createCorsPolicy,
  isCorsConfigError,
  type CorsDecision,
} from '@cors/core';
import { cors, handleCors } from '../src/index.js';
import { close, corsHeaders, listen, send, varyTokens } from './http.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

async function serve(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<number> {
  const { server, port } = await listen(listener);
  servers.push(server);
  return port;
}

function route(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.end('route');
}

describe('handleCors on a bare http.createServer', () => {
  const policy = createCorsPolicy({
    origin: [APP],
    credentials: true,
    allowedHeaders: ['Content-Type', 'X-Custom'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  });

  async function server(): Promise<{ port: number; routeCalls: () => number }> {
    let calls = 0;
    const port = await serve((req, res) => {
      if (handleCors(req, res, policy)) return;
      calls++;
      route(res);
    });
    return { port, routeCalls: () => calls };
  }

  it('gives an allowed origin its CORS headers and runs the route', async () => {
    const { port, routeCalls } = await server();
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('route');
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-request-id',
    });
    expect(varyTokens(reply)).toEqual(['origin']);
    expect(routeCalls()).toBe(1);
  });

  it('does not reflect an arbitrary Origin when credentials are on', async () => {
    const { port } = await server();
    const reply = await send(port, 'GET', '/x', { origin: EVIL });
    expect(reply.body).toBe('route');
    expect(corsHeaders(reply)).toEqual({});
    expect(varyTokens(reply)).toEqual(['origin']);
  });

  it('answers a preflight with its status and no body (no Content-Length on 204), without running the route', async () => {
    const { port, routeCalls } = await server();
    const reply = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-custom',
    });
    expect(reply.status).toBe(204);
    expect(reply.headers['content-length']).toBeUndefined(); // RFC 9110 §8.6: none on 204
    expect(reply.body).toBe('');
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type,x-custom',
      'access-control-max-age': '600',
    });
    expect(routeCalls()).toBe(0);
  });

  it('answers a preflight from a refused origin with 403 and no CORS headers', async () => {
    const { port, routeCalls } = await server();
    const reply = await send(port, 'OPTIONS', '/x', {
      origin: EVIL,
      'access-control-request-method': 'PUT',
    });
    expect(reply.status).toBe(403);
    expect(reply.body).toBe('');
    expect(corsHeaders(reply)).toEqual({});
    expect(routeCalls()).toBe(0);
  });

  it('refuses an Origin header sent on two lines, even when the first line is allowed', async () => {
    const decisions: CorsDecision[] = [];
    const port = await serve((req, res) => {
      if (handleCors(req, res, policy, { onDecision: (decision) => decisions.push(decision) }))
        return;
      route(res);
    });
    const reply = await send(port, 'GET', '/x', { origin: [APP, EVIL] });
    expect(corsHeaders(reply)).toEqual({});
    expect(decisions.map((decision) => decision.reason)).toEqual(['origin-malformed']);

    const preflight = await send(port, 'OPTIONS', '/x', {
      origin: [APP, APP],
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(403);
    expect(corsHeaders(preflight)).toEqual({});
  });

  it('refuses Access-Control-Request-Method sent on two lines', async () => {
    const { port } = await server();
    const reply = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': ['PUT', 'GET'],
    });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('merges Vary with a Vary the response already has', async () => {
    const port = await serve((req, res) => {
      res.setHeader('Vary', 'Accept-Encoding');
      if (handleCors(req, res, policy)) return;
      route(res);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
    const preflight = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.headers.vary).toBe(
      'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });

  it('merges Vary given as an array of values', async () => {
    const port = await serve((req, res) => {
      res.setHeader('Vary', ['Accept', 'origin']);
      if (handleCors(req, res, policy)) return;
      route(res);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.headers.vary).toBe('Accept, origin');
  });

  it('keeps a Vary: * as it is', async () => {
    const port = await serve((req, res) => {
      res.setHeader('Vary', '*');
      if (handleCors(req, res, policy)) return;
      route(res);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.headers.vary).toBe('*');
  });

  it('sets CORS headers on HEAD and sends no body', async () => {
    const { port } = await server();
    const reply = await send(port, 'HEAD', '/x', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('leaves a response that was already sent alone and tells the server to stop', async () => {
    const results: boolean[] = [];
    const port = await serve((req, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' });
      res.write('early ');
      const stop = handleCors(req, res, policy);
      results.push(stop);
      res.end('answer');
    });
    const reply = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toBe('early answer');
    expect(corsHeaders(reply)).toEqual({});
    expect(results).toEqual([true]);
  });

  it('lets OPTIONS without Access-Control-Request-Method reach the route (it is not a preflight)', async () => {
    const { port, routeCalls } = await server();
    const reply = await send(port, 'OPTIONS', '/x', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('route');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(routeCalls()).toBe(1);
  });

  it('calls onDecision once per request with the request', async () => {
    const seen: Array<[string, string | undefined, string]> = [];
    const port = await serve((req, res) => {
      const onDecision = (decision: CorsDecision, request: IncomingMessage) =>
        seen.push([decision.kind, request.url, decision.reason]);
      if (handleCors(req, res, policy, { onDecision })) return;
      route(res);
    });
    await send(port, 'GET', '/a', { origin: APP });
    await send(port, 'GET', '/b');
    await send(port, 'OPTIONS', '/c', { origin: EVIL, 'access-control-request-method': 'PUT' });
    expect(seen).toEqual([
      ['actual', '/a', 'allowed'],
      ['not-cors', '/b', 'no-origin'],
      ['preflight', '/c', 'origin-not-allowed'],
    ]);
  });

  it('refuses options where a policy is needed, so nothing is compiled per request', () => {
    expect(() =>
      handleCors(
        {} as IncomingMessage,
        {} as ServerResponse,
        { origin: APP } as unknown as typeof policy,
      ),
    ).toThrow(/createCorsPolicy/);
  });

  it('refuses an onDecision that is not a function', () => {
    expect(() =>
      handleCors({} as IncomingMessage, {} as ServerResponse, policy, {
        onDecision: 'log' as unknown as () => void,
      }),
    ).toThrow(expect.objectContaining({ code: ERR_CORS_ADAPTER_OPTIONS, option: 'onDecision' }));
  });
});

describe('handleCors with async origin and credentials functions', () => {
  it('returns a promise that resolves after the headers are set, and the route runs after await', async () => {
    const policy = createCorsPolicy({
      origin: async (origin: string) => origin === APP,
      credentials: true,
    });
    const port = await serve(async (req, res) => {
      const pending = handleCors(req, res, policy);
      expect(pending).toBeInstanceOf(Promise);
      if (await pending) return;
      route(res);
    });
    const allowed = await send(port, 'GET', '/x', { origin: APP });
    expect(allowed.body).toBe('route');
    expect(corsHeaders(allowed)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
    });
    const refused = await send(port, 'GET', '/x', { origin: EVIL });
    expect(refused.body).toBe('route');
    expect(corsHeaders(refused)).toEqual({});
    const preflight = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.body).toBe('');
  });

  it('rejects its promise when the origin function rejects, so the server can answer', async () => {
    const policy = createCorsPolicy({
      origin: async () => {
        throw new Error('origin store is down');
      },
    });
    const errors: string[] = [];
    const port = await serve(async (req, res) => {
      try {
        if (await handleCors(req, res, policy)) return;
        route(res);
      } catch (error) {
        errors.push((error as Error).message);
        res.statusCode = 503;
        res.end('down');
      }
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(503);
    expect(errors).toEqual(['origin store is down']);
  });

  it('rejects when the credentials function rejects', async () => {
    const policy = createCorsPolicy({
      origin: [APP],
      credentials: () => Promise.reject(new Error('no session store')),
    });
    const port = await serve(async (req, res) => {
      try {
        if (await handleCors(req, res, policy)) return;
        route(res);
      } catch (error) {
        res.statusCode = 500;
        res.end((error as Error).message);
      }
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.body).toBe('no session store');
  });

  it('does not write to a response that another handler sent while the origin function ran', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const policy = createCorsPolicy({
      origin: async (origin: string) => (await gate, origin === APP),
    });
    const outcomes: boolean[] = [];
    const port = await serve(async (req, res) => {
      const pending = handleCors(req, res, policy);
      res.statusCode = 503;
      res.end('timed out');
      release();
      outcomes.push(await pending);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(503);
    expect(corsHeaders(reply)).toEqual({});
    await expect.poll(() => outcomes).toEqual([true]);
  });
});

describe('the middleware on a bare http.createServer', () => {
  it('calls next to continue, and does not call it after answering a preflight', async () => {
    const middleware = cors({ origin: [APP] });
    let nextCalls = 0;
    const port = await serve((req, res) =>
      middleware(req, res, (error) => {
        nextCalls++;
        if (error) throw error;
        route(res);
      }),
    );
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.body).toBe('route');
    expect(nextCalls).toBe(1);
    const preflight = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(nextCalls).toBe(1);
  });

  it('passes a rejected origin function to next(error), never leaving the request hanging', async () => {
    const middleware = cors({ origin: () => Promise.reject(new Error('lookup failed')) });
    const port = await serve((req, res) =>
      middleware(req, res, (error) => {
        res.statusCode = error ? 502 : 200;
        res.end(error ? (error as Error).message : 'route');
      }),
    );
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(502);
    expect(reply.body).toBe('lookup failed');
  });

  it('passes a throwing origin function to next(error)', async () => {
    const middleware = cors({
      origin: () => {
        throw new Error('sync failure');
      },
    });
    const port = await serve((req, res) =>
      middleware(req, res, (error) => {
        res.statusCode = error ? 502 : 200;
        res.end(error ? (error as Error).message : 'route');
      }),
    );
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(502);
    expect(reply.body).toBe('sync failure');
  });

  it('answers 500 itself when there is no next and the origin function rejects', async () => {
    const middleware = cors({ origin: async () => Promise.reject(new Error('lookup failed')) });
    const port = await serve((req, res) => middleware(req, res));
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.body).toBe('');
  });

  it('ends a response already under way when there is no next and the origin function rejects', async () => {
    const middleware = cors({ origin: async () => Promise.reject(new Error('lookup failed')) });
    const port = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      middleware(req, res);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('partial');
  });

  it('answers 500 itself when there is no next and onDecision throws', async () => {
    const middleware = cors({
      origin: [APP],
      onDecision: () => {
        throw new Error('logger broke');
      },
    });
    const port = await serve((req, res) => middleware(req, res));
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.status).toBe(500);
  });

  it('without next, ends a preflight and sets headers for the caller to continue', async () => {
    const middleware = cors({ origin: [APP] });
    const port = await serve((req, res) => {
      middleware(req, res);
      if (res.writableEnded) return;
      route(res);
    });
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.body).toBe('route');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    const preflight = await send(port, 'OPTIONS', '/x', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
  });

  it('accepts a policy and takes onDecision beside it', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const reasons: string[] = [];
    const middleware = cors(policy, { onDecision: (decision) => reasons.push(decision.reason) });
    const port = await serve((req, res) => middleware(req, res, () => route(res)));
    await send(port, 'GET', '/x', { origin: EVIL });
    expect(reasons).toEqual(['origin-not-allowed']);
  });

  it('validates the options when it is created, listing every problem', () => {
    let thrown: unknown;
    try {
      cors({ origin: ['https://app.example.com/'], maxAge: -1 } as never);
    } catch (error) {
      thrown = error;
    }
    expect(isCorsConfigError(thrown)).toBe(true);
    expect((thrown as { issues: unknown[] }).issues.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses options without an origin instead of allowing every origin', () => {
    expect(() => cors({} as never)).toThrow(/origin/);
  });

  it('refuses an onDecision that is not a function when it is created', () => {
    expect(() => cors({ origin: [APP], onDecision: 42 as never })).toThrow(
      expect.objectContaining({ code: ERR_CORS_ADAPTER_OPTIONS, option: 'onDecision' }),
    );
  });
});
