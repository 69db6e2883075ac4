/**
 * Encapsulation: the plugin applies to the scope it is registered in (and that scope's prefix), and
 * refuses to be registered twice where two hooks would race to answer the same preflights.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCors from '@fastify/cors';
import { CorsError } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsPlugin, { corsPlugin as namedPlugin } from '../src/index.js';
import { corsHeaders, listen, send } from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

function preflight(base: string, path: string, origin: string, method = 'PUT') {
  return send(base, 'OPTIONS', path, { origin, 'access-control-request-method': method });
}

describe('registered in a scope with a prefix', () => {
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = Fastify();
    app.register(
      async (api) => {
        await api.register(corsPlugin, { origin: [APP] });
        api.get('/', async () => 'api root');
        api.get('/items', async () => 'items');
        api.get('/admin', { config: { cors: { origin: [ADMIN] } } }, async () => 'admin');
        api.register(
          async (v2) => {
            v2.delete(
              '/items/:id',
              { config: { cors: { origin: [ADMIN] } } },
              async () => 'deleted',
            );
          },
          { prefix: '/v2' },
        );
      },
      { prefix: '/api' },
    );
    app.register(
      async (admin) => {
        await admin.register(corsPlugin, { origin: [ADMIN] });
        admin.get('/', { config: { cors: { origin: [APP, ADMIN] } } }, async () => 'admin root');
        admin.get('/users', async () => 'users');
      },
      { prefix: '/admin-api' },
    );
    app.get('/other', async () => 'other');
    app.get('/apix', async () => 'apix');
    base = await listen(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('adds CORS headers to the routes of its scope only', async () => {
    const inside = await send(base, 'GET', '/api/items', { origin: APP });
    expect(inside.headers['access-control-allow-origin']).toBe(APP);
    const outside = await send(base, 'GET', '/other', { origin: APP });
    expect(outside.status).toBe(200);
    expect(corsHeaders(outside.headers)).toEqual({});
    expect(outside.headers.vary).toBeUndefined();
  });

  it('answers preflights under its prefix, and not elsewhere', async () => {
    for (const path of ['/api/items', '/api/unknown', '/api', '/api/']) {
      const response = await preflight(base, path, APP);
      expect(response.status, path).toBe(204);
      expect(response.headers['access-control-allow-origin'], path).toBe(APP);
    }
    for (const path of ['/other', '/apix', '/nowhere']) {
      const response = await preflight(base, path, APP);
      expect(response.status, path).toBe(404);
      expect(corsHeaders(response.headers), path).toEqual({});
    }
  });

  it('keeps sibling scopes independent, each with its own policy', async () => {
    const apiFromAdmin = await preflight(base, '/api/items', ADMIN);
    expect(apiFromAdmin.status).toBe(403);
    const adminFromAdmin = await preflight(base, '/admin-api/users', ADMIN);
    expect(adminFromAdmin.status).toBe(204);
    const adminFromApp = await preflight(base, '/admin-api/users', APP);
    expect(adminFromApp.status).toBe(403);
  });

  it('applies the policy of a route declared in a child plugin of the scope to its preflights', async () => {
    expect((await preflight(base, '/api/v2/items/7', APP, 'DELETE')).status).toBe(403);
    expect((await preflight(base, '/api/v2/items/7', ADMIN, 'DELETE')).status).toBe(204);
    expect((await preflight(base, '/api/v2/items/7', APP, 'PUT')).status).toBe(204);
  });

  it("applies a route's policy under a prefix, to the prefix root with and without the slash", async () => {
    expect((await preflight(base, '/api/admin', APP, 'GET')).status).toBe(403);
    expect((await preflight(base, '/api/admin', ADMIN, 'GET')).status).toBe(204);
    for (const path of ['/admin-api', '/admin-api/']) {
      const response = await preflight(base, path, APP, 'GET');
      expect(response.status, path).toBe(204);
      expect(response.headers['access-control-allow-origin'], path).toBe(APP);
    }
  });
});

async function startupError(build: (app: FastifyInstance) => void): Promise<unknown> {
  const app = Fastify();
  try {
    build(app);
    await app.ready();
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
  return undefined;
}

describe('refuses a second CORS plugin where both would answer the same preflights', () => {
  it('fails when registered twice in one scope', async () => {
    const error = await startupError((app) => {
      app.register(corsPlugin, { origin: [APP] });
      app.register(namedPlugin, { origin: [ADMIN] });
    });
    expect(error).toBeInstanceOf(CorsError);
    expect((error as CorsError).code).toBe('ERR_CORS_ALREADY_REGISTERED');
    expect((error as Error).message).toContain('already registered');
  });

  it('fails when registered again in a child scope', async () => {
    const error = await startupError((app) => {
      app.register(corsPlugin, { origin: [APP] });
      app.register(async (child) => {
        await child.register(corsPlugin, { origin: [ADMIN] });
      });
    });
    expect((error as CorsError).code).toBe('ERR_CORS_ALREADY_REGISTERED');
  });

  it('fails when @fastify/cors was registered first', async () => {
    const error = await startupError((app) => {
      app.register(fastifyCors, { origin: APP });
      app.register(corsPlugin, { origin: [APP] });
    });
    expect((error as CorsError).code).toBe('ERR_CORS_ALREADY_REGISTERED');
    expect((error as Error).message).toContain('@fastify/cors');
  });

  it('fails, instead of a duplicated-route error, when @fastify/cors is registered after it', async () => {
    const error = await startupError((app) => {
      app.register(corsPlugin, { origin: [APP] });
      app.register(fastifyCors, { origin: APP });
    });
    expect((error as CorsError).code).toBe('ERR_CORS_ALREADY_REGISTERED');
    expect((error as Error).message).toContain('@fastify/cors');
  });

  it('fails when @fastify/cors is registered in a child scope', async () => {
    const error = await startupError((app) => {
      app.register(corsPlugin, { origin: [APP] });
      app.register(
        async (child) => {
          await child.register(fastifyCors, { origin: APP });
        },
        { prefix: '/legacy' },
      );
    });
    expect((error as CorsError).code).toBe('ERR_CORS_ALREADY_REGISTERED');
  });

  it('allows @fastify/cors in a sibling scope', async () => {
    const app = Fastify();
    try {
      app.register(
        async (a) => {
          await a.register(corsPlugin, { origin: [APP] });
          a.get('/x', async () => 'a');
        },
        { prefix: '/a' },
      );
      app.register(
        async (b) => {
          await b.register(fastifyCors, { origin: ADMIN });
          b.get('/x', async () => 'b');
        },
        { prefix: '/b' },
      );
      await app.ready();
      const a = await app.inject({ url: '/a/x', headers: { origin: APP } });
      expect(a.headers['access-control-allow-origin']).toBe(APP);
    } finally {
      await app.close();
    }
  });

  it('explains that `prefix` does not scope the plugin', async () => {
    const error = await startupError((app) => {
      app.register(corsPlugin, { origin: [APP], prefix: '/api' } as never);
    });
    expect((error as CorsError).code).toBe('ERR_CORS_ADAPTER_OPTIONS');
    expect((error as Error).message).toContain('Register it inside a scope');
  });
});

describe('a prefix that ends with a slash', () => {
  it('answers preflights for the prefix and below', async () => {
    const app = Fastify();
    try {
      app.register(
        async (api) => {
          await api.register(corsPlugin, { origin: [APP] });
          api.get('/items', async () => 'items');
        },
        { prefix: '/api/' },
      );
      const base = await listen(app);
      for (const path of ['/api/', '/api/items', '/api/unknown']) {
        expect((await preflight(base, path, APP)).status, path).toBe(204);
      }
      expect((await preflight(base, '/apix', APP)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe("an OPTIONS catch-all of the app's own", () => {
  it('is kept when declared before the plugin, and the hook still answers preflights', async () => {
    const app = Fastify();
    try {
      app.options('*', async () => 'app options');
      await app.register(corsPlugin, { origin: [APP] });
      app.get('/x', async () => 'x');
      const base = await listen(app);
      const plain = await send(base, 'OPTIONS', '/x', { origin: APP });
      expect(plain.status).toBe(200);
      expect(plain.body).toBe('app options');
      expect(plain.headers['access-control-allow-origin']).toBe(APP);
      const pre = await preflight(base, '/x', APP, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.body).toBe('');
    } finally {
      await app.close();
    }
  });
});
