/**
 * The middleware in real Hono 4 apps, served by @hono/node-server on 127.0.0.1, over real HTTP.
 */
import type { Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, describe, expect, it } from 'vitest';
import { createCorsPolicy, isCorsConfigError, type CorsDecision } from '@cors/core';
import { close, listen, send } from '../../fetch/test/http.js';
import { cors } from '../src/index.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';
const preflight = (origin: string, method = 'PUT') => ({
  origin,
  'access-control-request-method': method,
});

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => close(server)));
});

async function serve(app: Hono): Promise<number> {
  const { server, port } = await listen(getRequestListener(app.fetch));
  servers.push(server);
  return port;
}

describe('app-wide', () => {
  it('answers a preflight without any OPTIONS route; the routes never run', async () => {
    let ran = 0;
    const app = new Hono();
    app.use(cors({ origin: [APP], credentials: true }));
    app.put('/items/:id', (c) => {
      ran++;
      return c.text('updated');
    });
    const port = await serve(app);
    const reply = await send(port, 'OPTIONS', '/items/1', preflight(APP));
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers['access-control-allow-methods']).toBe('PUT');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.body).toBe('');
    expect(ran).toBe(0);
    const refused = await send(port, 'OPTIONS', '/items/1', preflight(EVIL));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers.vary).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });

  it('lets an OPTIONS request that is not a preflight reach the OPTIONS route', async () => {
    const app = new Hono();
    app.use(cors({ origin: [APP] }));
    app.options('/items', (c) => c.text('my options'));
    const port = await serve(app);
    const reply = await send(port, 'OPTIONS', '/items', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('my options');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('sets the headers and merges Vary on the route’s response', async () => {
    const app = new Hono();
    app.use(cors({ origin: [APP], exposedHeaders: ['X-Request-Id'] }));
    app.get('/me', (c) => c.json({ user: 'ada' }, 200, { vary: 'Accept-Encoding' }));
    const port = await serve(app);
    const reply = await send(port, 'GET', '/me', { origin: APP });
    expect(reply.body).toBe('{"user":"ada"}');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers['access-control-expose-headers']?.toString().toLowerCase()).toBe(
      'x-request-id',
    );
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
    const refused = await send(port, 'GET', '/me', { origin: EVIL });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers.vary).toBe('Accept-Encoding, Origin');
  });
});

describe('responses that replace the route’s', () => {
  const policy = createCorsPolicy({ origin: [APP], credentials: true });

  it('keeps the headers when a handler replaces c.res', async () => {
    const app = new Hono();
    app.use(cors(policy));
    app.get('/replaced', async (c) => {
      c.header('x-before', '1');
      c.res = new Response('replaced', { status: 202, headers: { vary: 'Accept' } });
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/replaced', { origin: APP });
    expect(reply.status).toBe(202);
    expect(reply.body).toBe('replaced');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
    expect(reply.headers.vary).toBe('Accept, Origin');
  });

  it('keeps the headers when a middleware before it replaces c.res afterwards', async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      await next();
      c.res = new Response('wrapped', { status: 200 });
    });
    app.use(cors(policy));
    app.get('/x', (c) => c.text('inner'));
    const port = await serve(app);
    const reply = await send(port, 'GET', '/x', { origin: APP });
    expect(reply.body).toBe('wrapped');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Origin');
  });

  it('keeps the headers on an HTTPException’s response, default handling and custom res', async () => {
    const app = new Hono();
    app.use(cors(policy));
    app.get('/401', () => {
      throw new HTTPException(401, { message: 'log in first' });
    });
    app.get('/teapot', () => {
      throw new HTTPException(418, {
        res: new Response('short and stout', { status: 418, headers: { vary: 'Cookie' } }),
      });
    });
    const port = await serve(app);
    const unauthorized = await send(port, 'GET', '/401', { origin: APP });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toBe('log in first');
    expect(unauthorized.headers['access-control-allow-origin']).toBe(APP);
    expect(unauthorized.headers['access-control-allow-credentials']).toBe('true');
    const teapot = await send(port, 'GET', '/teapot', { origin: APP });
    expect(teapot.status).toBe(418);
    expect(teapot.headers['access-control-allow-origin']).toBe(APP);
    expect(teapot.headers.vary).toBe('Cookie, Origin');
  });

  it('keeps the headers on app.onError’s response', async () => {
    const app = new Hono();
    app.use(cors(policy));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.onError((error, c) => c.json({ error: error.message }, 500));
    const port = await serve(app);
    const reply = await send(port, 'GET', '/boom', { origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.body).toBe('{"error":"boom"}');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Origin');
  });

  it('keeps the headers on app.notFound’s response', async () => {
    const app = new Hono();
    app.use(cors(policy));
    app.notFound((c) => c.text('nothing here', 404));
    const port = await serve(app);
    const reply = await send(port, 'GET', '/missing', { origin: APP });
    expect(reply.status).toBe(404);
    expect(reply.body).toBe('nothing here');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Origin');
  });

  it('copies a response from fetch() (immutable headers) instead of failing on it', async () => {
    const { server: upstreamServer, port: upstream } = await listen((_req, res) => {
      res.setHeader('vary', 'Accept-Encoding');
      res.end('from upstream');
    });
    servers.push(upstreamServer);
    const app = new Hono();
    app.use(cors(policy));
    app.get('/proxy', () => fetch(`http://127.0.0.1:${upstream}/`));
    const port = await serve(app);
    const reply = await send(port, 'GET', '/proxy', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('from upstream');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin');
  });
});

describe('per path, with Hono’s routing', () => {
  it('lets each path’s middleware decide that path’s preflights', async () => {
    const app = new Hono();
    app.use('/api/*', cors({ origin: [APP] }));
    app.use('/admin/*', cors({ origin: [ADMIN], methods: ['DELETE'] }));
    app.all('*', (c) => c.text('route'));
    const port = await serve(app);
    expect((await send(port, 'OPTIONS', '/api/x', preflight(APP))).status).toBe(204);
    expect((await send(port, 'OPTIONS', '/api/x', preflight(ADMIN))).status).toBe(403);
    expect((await send(port, 'OPTIONS', '/admin/x', preflight(APP, 'DELETE'))).status).toBe(403);
    const admin = await send(port, 'OPTIONS', '/admin/x', preflight(ADMIN, 'DELETE'));
    expect(admin.status).toBe(204);
    expect(admin.headers['access-control-allow-origin']).toBe(ADMIN);
  });

  it('lets the middleware registered last decide when several match, preflights included', async () => {
    const decided: string[] = [];
    const app = new Hono();
    app.use(cors({ origin: [APP], onDecision: (d) => decided.push(`site ${d.reason}`) }));
    app.use(
      '/admin/*',
      cors({ origin: [ADMIN], onDecision: (d) => decided.push(`admin ${d.reason}`) }),
    );
    app.all('*', (c) => c.text('route'));
    const port = await serve(app);

    const sitePreflightToAdmin = await send(port, 'OPTIONS', '/admin/users', preflight(APP));
    expect(sitePreflightToAdmin.status).toBe(403);
    const siteGetToAdmin = await send(port, 'GET', '/admin/users', { origin: APP });
    expect(siteGetToAdmin.body).toBe('route');
    expect(siteGetToAdmin.headers['access-control-allow-origin']).toBeUndefined();
    const adminGet = await send(port, 'GET', '/admin/users', { origin: ADMIN });
    expect(adminGet.headers['access-control-allow-origin']).toBe(ADMIN);
    const siteGet = await send(port, 'GET', '/home', { origin: APP });
    expect(siteGet.headers['access-control-allow-origin']).toBe(APP);
    // One decision per request, by the middleware that decided it.
    expect(decided).toEqual([
      'admin origin-not-allowed',
      'admin origin-not-allowed',
      'admin allowed',
      'site allowed',
    ]);
  });
});

describe('policies and options', () => {
  it('supports async origin functions', async () => {
    const app = new Hono();
    app.use(cors({ origin: async (origin: string) => origin === APP }));
    app.get('/x', (c) => c.text('x'));
    const port = await serve(app);
    const allowed = await send(port, 'GET', '/x', { origin: APP });
    expect(allowed.headers['access-control-allow-origin']).toBe(APP);
    const preflightReply = await send(port, 'OPTIONS', '/x', preflight(APP));
    expect(preflightReply.status).toBe(204);
    const refused = await send(port, 'GET', '/x', { origin: EVIL });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends an error of the origin function to app.onError', async () => {
    const app = new Hono();
    app.use(
      cors({
        origin: async () => {
          throw new Error('tenant store down');
        },
      }),
    );
    app.get('/x', (c) => c.text('x'));
    app.onError((error, c) => c.text(`handled: ${error.message}`, 503));
    const port = await serve(app);
    const reply = await send(port, 'OPTIONS', '/x', preflight(APP));
    expect(reply.status).toBe(503);
    expect(reply.body).toBe('handled: tenant store down');
  });

  it('selects a policy per request with a function of the context', async () => {
    const byHost = new Map([
      ['a.test', createCorsPolicy({ origin: ['https://app.a.test'] })],
      ['b.test', createCorsPolicy({ origin: ['https://app.b.test'] })],
    ]);
    const fallback = createCorsPolicy({ origin: [APP] });
    const app = new Hono();
    app.use(cors((c) => byHost.get(c.req.header('host') ?? '') ?? fallback));
    app.get('/x', (c) => c.text('x'));
    const port = await serve(app);
    const a = await send(port, 'GET', '/x', { origin: 'https://app.a.test', host: 'a.test' });
    expect(a.headers['access-control-allow-origin']).toBe('https://app.a.test');
    const crossed = await send(port, 'GET', '/x', { origin: 'https://app.a.test', host: 'b.test' });
    expect(crossed.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('calls onDecision with the decision and the context; takes it after a policy too', async () => {
    const seen: [CorsDecision, string][] = [];
    const app = new Hono();
    app.use(
      cors(createCorsPolicy({ origin: [APP] }), {
        onDecision: (decision, c) => seen.push([decision, c.req.path]),
      }),
    );
    app.get('/x', (c) => c.text('x'));
    const port = await serve(app);
    await send(port, 'GET', '/x', { origin: EVIL });
    expect(seen.map(([d, path]) => `${d.reason} ${path}`)).toEqual(['origin-not-allowed /x']);
  });

  it('validates the options once, when the middleware is made', () => {
    let error: unknown;
    try {
      cors({ origin: '*', credentials: true } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isCorsConfigError(error)).toBe(true);
    expect(() => cors({ origin: [APP], onDecision: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_CORS_ADAPTER_OPTIONS' }),
    );
  });
});

describe('a policy given to a method’s route', () => {
  it('does not see that route’s preflights: the app-wide middleware decides them', async () => {
    const app = new Hono();
    app.use(cors({ origin: [APP] }));
    app.put('/items', cors({ origin: [ADMIN] }), (c) => c.text('updated'));
    const port = await serve(app);
    // The OPTIONS preflight matches no PUT route, so the app-wide policy decides it...
    expect((await send(port, 'OPTIONS', '/items', preflight(APP))).status).toBe(204);
    expect((await send(port, 'OPTIONS', '/items', preflight(ADMIN))).status).toBe(403);
    // ...while the PUT itself is decided by the route's, registered last.
    const put = await send(port, 'PUT', '/items', { origin: ADMIN });
    expect(put.headers['access-control-allow-origin']).toBe(ADMIN);
  });
});
