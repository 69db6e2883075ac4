import type { Server } from 'node:http';
import express5, { type ErrorRequestHandler, type Express } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { createCorsPolicy } from '@cors/core';
import { cors, type NodeCorsOptions } from '../src/index.js';
import { close, corsHeaders, listen, send, varyTokens } from './http.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';

const frameworks = [
  ['Express 4', express4],
  ['Express 5', express5],
] as const;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
});

async function serve(app: Express): Promise<number> {
  const { server, port } = await listen(app);
  servers.push(server);
  return port;
}

describe.each(frameworks)('%s', (_name, express) => {
  function appWith(options: NodeCorsOptions = { origin: [APP], credentials: true }): Express {
    const app = express();
    app.use(cors(options));
    return app;
  }

  it('app.use(cors()) sets the headers on a route and answers preflights before any route', async () => {
    const app = appWith();
    let afterCors = 0;
    app.use((_req, _res, next) => {
      afterCors++;
      next();
    });
    app.put('/items/42', (_req, res) => {
      res.json({ updated: true });
    });
    const port = await serve(app);

    const preflight = await send(port, 'OPTIONS', '/items/42', {
      origin: APP,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.body).toBe('');
    expect(preflight.headers['content-length']).toBeUndefined(); // RFC 9110 §8.6: none on 204
    expect(preflight.headers.allow).toBeUndefined();
    expect(corsHeaders(preflight)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type',
    });
    expect(afterCors).toBe(0);

    const actual = await send(port, 'PUT', '/items/42', { origin: APP });
    expect(actual.status).toBe(200);
    expect(JSON.parse(actual.body)).toEqual({ updated: true });
    expect(actual.headers['access-control-allow-origin']).toBe(APP);
    expect(afterCors).toBe(1);
  });

  it('keeps CORS headers on the 404 of an unknown route', async () => {
    const port = await serve(appWith());
    const reply = await send(port, 'GET', '/nowhere', { origin: APP });
    expect(reply.status).toBe(404);
    expect(corsHeaders(reply)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
    });
    expect(varyTokens(reply)).toContain('origin');
  });

  it("keeps CORS headers on the 500 of Express's default error handler", async () => {
    const app = appWith();
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/boom', { origin: APP });
    expect(reply.status).toBe(500);
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
  });

  it('keeps CORS headers on the answer of an error handler of your own', async () => {
    const app = appWith();
    app.get('/boom', (_req, _res, next) => next(new Error('boom')));
    const handler: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(418).json({ error: error.message });
    };
    app.use(handler);
    const port = await serve(app);
    const reply = await send(port, 'GET', '/boom', { origin: APP });
    expect(reply.status).toBe(418);
    expect(JSON.parse(reply.body)).toEqual({ error: 'boom' });
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('sets CORS headers on HEAD, which Express answers from the GET route', async () => {
    const app = appWith();
    app.get('/hello', (_req, res) => {
      res.send('hello');
    });
    const port = await serve(app);
    const reply = await send(port, 'HEAD', '/hello', { origin: APP });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
  });

  it('merges Vary with one set before it and keeps it when the route adds more', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.vary('Accept-Encoding');
      next();
    });
    app.use(cors({ origin: [APP] }));
    app.get('/negotiated', (_req, res) => {
      res.vary('Accept');
      res.send('ok');
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/negotiated', { origin: APP });
    expect(reply.headers.vary).toBe('Accept-Encoding, Origin, Accept');
    const preflight = await send(port, 'OPTIONS', '/negotiated', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(varyTokens(preflight)).toEqual([
      'accept-encoding',
      'origin',
      'access-control-request-method',
      'access-control-request-headers',
    ]);
  });

  it('does not reflect an arbitrary Origin when credentials are on', async () => {
    const app = appWith();
    app.get('/me', (_req, res) => {
      res.json({ me: 'secret' });
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/me', { origin: EVIL });
    expect(corsHeaders(reply)).toEqual({});
    const preflight = await send(port, 'OPTIONS', '/me', {
      origin: EVIL,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(403);
    expect(corsHeaders(preflight)).toEqual({});
  });

  it('refuses an Origin header sent on two lines', async () => {
    const app = appWith();
    app.get('/me', (_req, res) => {
      res.send('me');
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/me', { origin: [APP, EVIL] });
    expect(corsHeaders(reply)).toEqual({});
    const sameTwice = await send(port, 'GET', '/me', { origin: [APP, APP] });
    expect(corsHeaders(sameTwice)).toEqual({});
  });

  it('gives each router its own policy, preflights included', async () => {
    const app = express();
    const publicRouter = express.Router();
    publicRouter.use(cors({ origin: '*' }));
    publicRouter.get('/data', (_req, res) => {
      res.json({ public: true });
    });
    const privateRouter = express.Router();
    privateRouter.use(cors({ origin: [ADMIN], credentials: true, methods: ['DELETE'] }));
    privateRouter.delete('/data', (_req, res) => {
      res.json({ deleted: true });
    });
    privateRouter.get('/data', (_req, res) => {
      res.json({ private: true });
    });
    app.use('/public', publicRouter);
    app.use('/private', privateRouter);
    const port = await serve(app);

    const publicGet = await send(port, 'GET', '/public/data', { origin: EVIL });
    expect(corsHeaders(publicGet)).toEqual({ 'access-control-allow-origin': '*' });

    const publicPreflight = await send(port, 'OPTIONS', '/public/data', {
      origin: EVIL,
      'access-control-request-method': 'PUT',
    });
    expect(publicPreflight.status).toBe(204);
    expect(corsHeaders(publicPreflight)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'PUT',
    });

    const privateFromEvil = await send(port, 'GET', '/private/data', { origin: EVIL });
    expect(corsHeaders(privateFromEvil)).toEqual({});

    const privateFromAdmin = await send(port, 'GET', '/private/data', { origin: ADMIN });
    expect(corsHeaders(privateFromAdmin)).toEqual({
      'access-control-allow-origin': ADMIN,
      'access-control-allow-credentials': 'true',
    });

    const privatePreflight = await send(port, 'OPTIONS', '/private/data', {
      origin: ADMIN,
      'access-control-request-method': 'DELETE',
    });
    expect(privatePreflight.status).toBe(204);
    expect(corsHeaders(privatePreflight)).toEqual({
      'access-control-allow-origin': ADMIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'DELETE',
    });

    const privatePreflightFromEvil = await send(port, 'OPTIONS', '/private/data', {
      origin: EVIL,
      'access-control-request-method': 'DELETE',
    });
    expect(privatePreflightFromEvil.status).toBe(403);
    expect(corsHeaders(privatePreflightFromEvil)).toEqual({});
  });

  it('leaves preflights outside a router mount point to the app: a router only sees its own paths', async () => {
    const app = express();
    const router = express.Router();
    router.use(cors({ origin: [APP] }));
    router.get('/data', (_req, res) => {
      res.send('data');
    });
    app.use('/api', router);
    app.get('/other', (_req, res) => {
      res.send('other');
    });
    const port = await serve(app);

    const inside = await send(port, 'OPTIONS', '/api/data', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(inside.status).toBe(204);
    expect(inside.headers['access-control-allow-origin']).toBe(APP);

    // Express's automatic OPTIONS answer (200, Allow: GET, HEAD), with no CORS headers: the
    // browser will refuse the call. Put cors() on the app, or on a router mounted there, for it.
    const outside = await send(port, 'OPTIONS', '/other', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(outside.status).toBe(200);
    expect(corsHeaders(outside)).toEqual({});
  });

  it("does not let an app-wide policy's headers survive a router's stricter refusal", async () => {
    const app = express();
    app.use(cors({ origin: [APP], credentials: true, exposedHeaders: ['X-Request-Id'] }));
    const admin = express.Router();
    admin.use(cors({ origin: [ADMIN] }));
    admin.get('/data', (_req, res) => {
      res.send('admin data');
    });
    app.use('/admin', admin);
    const port = await serve(app);

    const refused = await send(port, 'GET', '/admin/data', { origin: APP });
    expect(refused.body).toBe('admin data');
    expect(corsHeaders(refused)).toEqual({});

    const allowed = await send(port, 'GET', '/admin/data', { origin: ADMIN });
    expect(corsHeaders(allowed)).toEqual({ 'access-control-allow-origin': ADMIN });
  });

  it('passes a rejected async origin function to the error handler instead of hanging', async () => {
    const app = appWith({
      origin: async () => {
        throw new Error('origin store is down');
      },
    });
    let routeCalls = 0;
    app.get('/data', (_req, res) => {
      routeCalls++;
      res.send('data');
    });
    const handler: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(503).send(error.message);
    };
    app.use(handler);
    const port = await serve(app);
    const reply = await send(port, 'GET', '/data', { origin: APP });
    expect(reply.status).toBe(503);
    expect(reply.body).toBe('origin store is down');
    const preflight = await send(port, 'OPTIONS', '/data', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(503);
    expect(routeCalls).toBe(0);
  });

  it('answers with an async origin function (where the cors package hangs)', async () => {
    const allowed = new Set([APP]);
    const app = appWith({
      origin: async (origin: string) => allowed.has(origin),
      credentials: true,
    });
    app.get('/data', (_req, res) => {
      res.send('data');
    });
    const port = await serve(app);
    const reply = await send(port, 'GET', '/data', { origin: APP });
    expect(reply.body).toBe('data');
    expect(reply.headers['access-control-allow-origin']).toBe(APP);
    const preflight = await send(port, 'OPTIONS', '/data', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    const refused = await send(port, 'OPTIONS', '/data', {
      origin: EVIL,
      'access-control-request-method': 'PUT',
    });
    expect(refused.status).toBe(403);
  });

  it('passes a throwing credentials function and a throwing onDecision to the error handler', async () => {
    const app = express();
    app.use(
      '/credentials',
      cors({
        origin: [APP],
        credentials: () => {
          throw new Error('credentials failed');
        },
      }),
    );
    app.use(
      '/listener',
      cors({
        origin: [APP],
        onDecision: () => {
          throw new Error('listener failed');
        },
      }),
    );
    app.get(['/credentials', '/listener'], (_req, res) => {
      res.send('route');
    });
    const handler: ErrorRequestHandler = (error: Error, _req, res, _next) => {
      res.status(500).send(error.message);
    };
    app.use(handler);
    const port = await serve(app);
    expect((await send(port, 'GET', '/credentials', { origin: APP })).body).toBe(
      'credentials failed',
    );
    expect((await send(port, 'GET', '/listener', { origin: APP })).body).toBe('listener failed');
  });

  it('reports each decision to onDecision with the Express request', async () => {
    const seen: string[] = [];
    const app = appWith({
      origin: [APP],
      onDecision: (decision, req) =>
        seen.push(`${req.method} ${req.url} ${decision.kind} ${decision.reason}`),
    });
    app.get('/a', (_req, res) => {
      res.send('a');
    });
    const port = await serve(app);
    await send(port, 'GET', '/a', { origin: APP });
    await send(port, 'OPTIONS', '/a', { origin: EVIL, 'access-control-request-method': 'PUT' });
    expect(seen).toEqual(['GET /a actual allowed', 'OPTIONS /a preflight origin-not-allowed']);
  });

  it('accepts a policy built once and shared by two apps', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const app = express();
      app.use(cors(policy));
      app.get('/', (_req, res) => {
        res.send(String(i));
      });
      ports.push(await serve(app));
    }
    for (const port of ports) {
      expect(
        (await send(port, 'GET', '/', { origin: APP })).headers['access-control-allow-origin'],
      ).toBe(APP);
    }
  });

  it('does nothing harmful when a middleware before it already sent the response', async () => {
    const app = express();
    app.use((_req, res, next) => {
      res.status(202).send('already answered');
      next();
    });
    let routeCalls = 0;
    app.use(cors({ origin: [APP] }));
    app.use((_req, _res, next) => {
      routeCalls++;
      next();
    });
    const port = await serve(app);
    const reply = await send(port, 'OPTIONS', '/', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toBe('already answered');
    expect(corsHeaders(reply)).toEqual({});
    expect(routeCalls).toBe(0);
  });
});
