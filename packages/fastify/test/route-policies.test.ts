/**
 * Per-route policies: `config: { cors }` decides the route's own responses and also the preflights
 * that ask for the route's method and path, which arrive as OPTIONS requests somewhere else.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createCorsPolicy, isCorsConfigError } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsPlugin from '../src/index.js';
import { corsHeaders, listen, send, varyTokens } from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const PARTNER = 'https://partner.example.net';

function preflight(
  base: string,
  path: string,
  origin: string,
  method: string,
  headers: Record<string, string> = {},
) {
  return send(base, 'OPTIONS', path, {
    origin,
    'access-control-request-method': method,
    ...headers,
  });
}

describe('per-route policies over real HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  const ran: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    await app.register(corsPlugin, {
      origin: [APP],
      credentials: true,
      methods: ['GET', 'PUT', 'DELETE'],
    });
    const record = (name: string) => async () => {
      ran.push(name);
      return name;
    };
    app.get('/items/:id', record('get item'));
    app.put(
      '/items/:id',
      { config: { cors: { origin: [ADMIN], methods: ['PUT'] } } },
      record('put item'),
    );
    app.post(
      '/partner/orders',
      { config: { cors: { origin: [APP, PARTNER], allowedHeaders: ['Content-Type'] } } },
      record('order'),
    );
    app.get('/files/*', { config: { cors: { origin: [ADMIN] } } }, record('file'));
    app.get('/files/public', record('public file'));
    app.get('/internal', { config: { cors: false } }, record('internal'));
    app.delete('/internal', { config: { cors: false } }, record('internal delete'));
    app.post('/form', record('form'));
    app.options('/custom-options', async (_request, reply) => {
      ran.push('custom options');
      reply.header('x-route', 'custom options');
      return 'custom options';
    });
    const policy = createCorsPolicy({ origin: [PARTNER], exposedHeaders: ['X-Total'] });
    app.get('/shared/a', { config: { cors: policy } }, record('shared a'));
    app.get(
      '/async',
      { config: { cors: { origin: async (origin: string) => origin === PARTNER } } },
      record('async'),
    );
    base = await listen(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('a stricter route policy refuses a preflight that the plugin policy would allow', async () => {
    const refused = await preflight(base, '/items/42', APP, 'PUT');
    expect(refused.status).toBe(403);
    expect(corsHeaders(refused.headers)).toEqual({});
    expect(refused.body).toBe('');

    const allowed = await preflight(base, '/items/42', ADMIN, 'PUT');
    expect(allowed.status).toBe(204);
    expect(corsHeaders(allowed.headers)).toEqual({
      'access-control-allow-origin': ADMIN,
      'access-control-allow-methods': 'PUT',
    });
  });

  it('the same path keeps the plugin policy for the methods whose routes have none', async () => {
    const get = await preflight(base, '/items/42', APP, 'GET');
    expect(get.status).toBe(204);
    expect(get.headers['access-control-allow-origin']).toBe(APP);
    expect(get.headers['access-control-allow-credentials']).toBe('true');
    // No DELETE route: the scope's policy decides, as for unknown paths.
    const del = await preflight(base, '/items/42', APP, 'DELETE');
    expect(del.status).toBe(204);
    expect(del.headers['access-control-allow-methods']).toBe('DELETE');
    const adminDelete = await preflight(base, '/items/42', ADMIN, 'DELETE');
    expect(adminDelete.status).toBe(403);
  });

  it('a looser route policy allows a preflight and a request that the plugin policy would refuse', async () => {
    const pre = await preflight(base, '/partner/orders', PARTNER, 'POST', {
      'access-control-request-headers': 'content-type',
    });
    expect(pre.status).toBe(204);
    expect(corsHeaders(pre.headers)).toEqual({
      'access-control-allow-origin': PARTNER,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
    });
    const actual = await send(base, 'POST', '/partner/orders', { origin: PARTNER });
    expect(actual.status).toBe(200);
    expect(actual.headers['access-control-allow-origin']).toBe(PARTNER);
    // The plugin's policy would have refused the partner on any other route.
    const elsewhere = await send(base, 'GET', '/items/1', { origin: PARTNER });
    expect(corsHeaders(elsewhere.headers)).toEqual({});
  });

  it('a route policy refuses a request header that the plugin policy would reflect', async () => {
    const pre = await preflight(base, '/partner/orders', APP, 'POST', {
      'access-control-request-headers': 'x-debug',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toBeUndefined();
    expect(pre.headers['access-control-allow-origin']).toBe(APP);
  });

  it('finds the route the actual request would reach: a static route wins over a wildcard', async () => {
    const secret = await preflight(base, '/files/secret.txt', APP, 'GET');
    expect(secret.status).toBe(403);
    const publicFile = await preflight(base, '/files/public', APP, 'GET');
    expect(publicFile.status).toBe(204);
    expect(publicFile.headers['access-control-allow-origin']).toBe(APP);
  });

  it('ignores the query string when finding the route', async () => {
    const response = await preflight(base, '/items/42?expand=owner', APP, 'PUT');
    expect(response.status).toBe(403);
  });

  it('cors: false sends no CORS headers and no Vary on the route', async () => {
    const response = await send(base, 'GET', '/internal', { origin: APP });
    expect(response.status).toBe(200);
    expect(corsHeaders(response.headers)).toEqual({});
    expect(varyTokens(response.headers)).toEqual([]);
  });

  it('cors: false refuses the route preflight so that it never reaches the route', async () => {
    const before = ran.length;
    const response = await preflight(base, '/internal', APP, 'DELETE');
    expect(response.status).toBe(403);
    expect(corsHeaders(response.headers)).toEqual({});
    expect(response.body).toBe('');
    expect(ran.length).toBe(before);
  });

  it('answers preflights for routes that declare only GET or POST', async () => {
    const response = await preflight(base, '/form', APP, 'POST', {
      'access-control-request-headers': 'content-type',
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
  });

  it('answers preflights for unknown paths with the plugin policy', async () => {
    const allowed = await preflight(base, '/no/such/path', APP, 'PUT');
    expect(allowed.status).toBe(204);
    const refused = await preflight(base, '/no/such/path', PARTNER, 'PUT');
    expect(refused.status).toBe(403);
  });

  it('hands an OPTIONS request that is not a preflight to the 404 handler, with CORS headers', async () => {
    const withOrigin = await send(base, 'OPTIONS', '/no/such/path', { origin: APP });
    expect(withOrigin.status).toBe(404);
    expect(withOrigin.headers['access-control-allow-origin']).toBe(APP);
    const withoutOrigin = await send(base, 'OPTIONS', '/items/1', {
      'access-control-request-method': 'PUT',
    });
    expect(withoutOrigin.status).toBe(404);
    expect(corsHeaders(withoutOrigin.headers)).toEqual({});
  });

  it("lets the app's own OPTIONS route answer OPTIONS requests that are not preflights", async () => {
    const plain = await send(base, 'OPTIONS', '/custom-options', { origin: APP });
    expect(plain.status).toBe(200);
    expect(plain.body).toBe('custom options');
    expect(plain.headers['access-control-allow-origin']).toBe(APP);

    const before = ran.length;
    const pre = await preflight(base, '/custom-options', APP, 'PUT');
    expect(pre.status).toBe(204);
    expect(pre.headers['x-route']).toBeUndefined();
    expect(ran.length).toBe(before);
  });

  it('accepts a policy made by createCorsPolicy as a route config', async () => {
    const actual = await send(base, 'GET', '/shared/a', { origin: PARTNER });
    expect(corsHeaders(actual.headers)).toEqual({
      'access-control-allow-origin': PARTNER,
      'access-control-expose-headers': 'x-total',
    });
    const pre = await preflight(base, '/shared/a', PARTNER, 'GET');
    expect(pre.status).toBe(204);
  });

  it('awaits an async origin function of a route policy, for requests and preflights', async () => {
    const actual = await send(base, 'GET', '/async', { origin: PARTNER });
    expect(actual.headers['access-control-allow-origin']).toBe(PARTNER);
    const refused = await preflight(base, '/async', APP, 'GET');
    expect(refused.status).toBe(403);
  });
});

describe('route policies follow the router options', () => {
  it('matches paths case-insensitively and without the trailing slash when Fastify does', async () => {
    const app = Fastify({ routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
    try {
      await app.register(corsPlugin, { origin: [APP] });
      app.get('/Admin/Users', { config: { cors: { origin: [ADMIN] } } }, async () => 'users');
      const base = await listen(app);
      for (const path of ['/admin/users', '/ADMIN/USERS/', '/Admin/Users']) {
        const refused = await preflight(base, path, APP, 'GET');
        expect(refused.status, path).toBe(403);
        const allowed = await preflight(base, path, ADMIN, 'GET');
        expect(allowed.status, path).toBe(204);
      }
    } finally {
      await app.close();
    }
  });

  it('matches host-constrained routes by the Host header of the preflight', async () => {
    const app = Fastify();
    try {
      await app.register(corsPlugin, { origin: [APP] });
      app.get(
        '/data',
        { constraints: { host: 'admin.local' }, config: { cors: { origin: [ADMIN] } } },
        async () => 'admin',
      );
      app.get('/data', async () => 'public');
      const adminHost = await app.inject({
        method: 'OPTIONS',
        url: '/data',
        headers: { host: 'admin.local', origin: ADMIN, 'access-control-request-method': 'GET' },
      });
      expect(adminHost.statusCode).toBe(204);
      const otherHost = await app.inject({
        method: 'OPTIONS',
        url: '/data',
        headers: { host: 'www.local', origin: ADMIN, 'access-control-request-method': 'GET' },
      });
      expect(otherHost.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('route configs are compiled at start-up', () => {
  it('fails start-up with a CorsConfigError that names the route', async () => {
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP] });
    let caught: unknown;
    try {
      app.get(
        '/admin',
        { config: { cors: { origin: ['https://admin.example.com/'] } } },
        async () => 'x',
      );
      await app.ready();
    } catch (error) {
      caught = error;
    } finally {
      await app.close();
    }
    expect(isCorsConfigError(caught)).toBe(true);
    expect((caught as Error).message).toContain('Route GET /admin: config.cors:');
    expect((caught as Error).message).toContain('origin_trailing_slash');
  });

  it('fails start-up for a route config in a child plugin, naming the prefixed route', async () => {
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP] });
    app.register(
      async (child) => {
        // @ts-expect-error: `true` is not a route CORS config.
        child.post('/orders', { config: { cors: true } }, async () => 'x');
      },
      { prefix: '/v1' },
    );
    await expect(app.ready()).rejects.toThrow(/Route POST \/v1\/orders: config\.cors:/);
    await app.close();
  });

  it('compiles the config.cors of a route declared before a plugin that was not awaited', async () => {
    const app = Fastify();
    try {
      // Not awaited: Fastify declares the route below before the plugin runs.
      app.register(corsPlugin, { origin: [APP] });
      app.get('/early', { config: { cors: false } }, async () => 'early');
      const response = await app.inject({ method: 'GET', url: '/early', headers: { origin: APP } });
      const { statusCode, headers } = response;
      expect([statusCode, headers['access-control-allow-origin'], headers.vary]).toEqual([
        200,
        undefined,
        undefined,
      ]);
    } finally {
      await app.close();
    }
  });
});
