/**
 * What issue 13 found drifting on Fastify: Vary lost after the route, the CORS-off answer, the
 * lower-case requested method, `register` without `await`, 404s of a prefixed scope, per-request
 * selection, and a bundled Fastify.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CorsError,
  ERR_CORS_SELECTOR_RESULT,
  createCorsPolicy,
  type CorsDecision,
} from '@cors/core';
import corsPlugin from '../src/index.js';
import { listen, send, type HttpResponse } from './helpers.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const EVIL = 'https://evil.example';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(app: FastifyInstance): Promise<string> {
  apps.push(app);
  return listen(app);
}

function tokens(response: HttpResponse): string[] {
  const vary = response.headers.vary;
  if (vary === undefined) return [];
  return String(vary)
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .sort();
}

function cors(response: HttpResponse): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => name.startsWith('access-control-')),
  );
}

describe('Vary survives the route', () => {
  it.each([
    [
      'reply.header',
      (reply: { header(n: string, v: string): unknown }) => reply.header('Vary', 'Accept-Encoding'),
    ],
    [
      'reply.headers',
      (reply: { headers(h: object): unknown }) => reply.headers({ vary: 'Accept-Encoding' }),
    ],
    [
      'reply.raw.setHeader',
      (reply: { raw: { setHeader(n: string, v: string): unknown } }) =>
        reply.raw.setHeader('Vary', 'Accept-Encoding'),
    ],
  ] as const)(
    'merges Origin back when the route uses %s, allowed and refused alike',
    async (_how, route) => {
      const app = Fastify();
      await app.register(corsPlugin, { origin: [APP] });
      app.get('/', async (_request, reply) => {
        (route as (reply: unknown) => void)(reply);
        return 'ok';
      });
      const base = await start(app);
      for (const origin of [APP, EVIL]) {
        expect(tokens(await send(base, 'GET', '/', { origin }))).toEqual([
          'accept-encoding',
          'origin',
        ]);
      }
    },
  );
});

describe('a route with CORS off', () => {
  it("answers its preflight with the core's cors-disabled decision, Vary included", async () => {
    const seen: CorsDecision[] = [];
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP], onDecision: (d) => seen.push(d) });
    app.put('/off', { config: { cors: false } }, async () => 'off');
    const base = await start(app);
    const preflight = await send(base, 'OPTIONS', '/off', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect([preflight.status, preflight.body, preflight.headers['content-length']]).toEqual([
      403,
      '',
      '0',
    ]);
    expect(cors(preflight)).toEqual({});
    expect(tokens(preflight)).toEqual([
      'access-control-request-headers',
      'access-control-request-method',
      'origin',
    ]);
    const actual = await send(base, 'PUT', '/off', { origin: APP });
    expect([actual.body, cors(actual), actual.headers.vary]).toEqual(['off', {}, undefined]);
    expect(seen.map((d) => d.reason)).toEqual(['cors-disabled', 'cors-disabled']);
  });
});

describe('a lower-case requested method', () => {
  it("is decided by the route's own policy, as the browser's upper-cased request will be", async () => {
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP] });
    app.delete('/items/:id', { config: { cors: { origin: [ADMIN] } } }, async () => 'gone');
    const base = await start(app);
    const fromApp = await send(base, 'OPTIONS', '/items/1', {
      origin: APP,
      'access-control-request-method': 'delete',
    });
    expect(fromApp.status).toBe(403);
    expect(cors(fromApp)).toEqual({});
    const fromAdmin = await send(base, 'OPTIONS', '/items/1', {
      origin: ADMIN,
      'access-control-request-method': 'delete',
    });
    expect(fromAdmin.status).toBe(204);
    expect(fromAdmin.headers['access-control-allow-origin']).toBe(ADMIN);
  });
});

describe('a requested method Fastify cannot route', () => {
  it("leaves 'patch' (not normalised by Fetch) to the scope's policy, which refuses it", async () => {
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP] });
    app.patch('/items/:id', { config: { cors: { origin: [ADMIN] } } }, async () => 'patched');
    const base = await start(app);
    const preflight = await send(base, 'OPTIONS', '/items/1', {
      origin: APP,
      'access-control-request-method': 'patch',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('register without await', () => {
  it('applies the config.cors of a route declared right after it, to the route and its preflights', async () => {
    const app = Fastify();
    // Not awaited: Fastify declares the routes below before the plugin loads.
    app.register(corsPlugin, { origin: [APP] });
    app.put('/admin', { config: { cors: { origin: [ADMIN] } } }, async () => 'admin');
    app.get('/off', { config: { cors: false } }, async () => 'off');
    app.get('/open', async () => 'open');
    const base = await start(app);
    const ask = (origin: string, path = '/admin', method = 'PUT') =>
      send(base, 'OPTIONS', path, { origin, 'access-control-request-method': method });

    const fromApp = await ask(APP);
    expect([fromApp.status, cors(fromApp)]).toEqual([403, {}]);
    const fromAdmin = await ask(ADMIN);
    expect([fromAdmin.status, fromAdmin.headers['access-control-allow-origin']]).toEqual([
      204,
      ADMIN,
    ]);
    const put = await send(base, 'PUT', '/admin', { origin: ADMIN });
    expect([put.status, put.body, put.headers['access-control-allow-origin']]).toEqual([
      200,
      'admin',
      ADMIN,
    ]);
    const putFromApp = await send(base, 'PUT', '/admin', { origin: APP });
    expect([putFromApp.status, cors(putFromApp)]).toEqual([200, {}]);

    expect((await ask(APP, '/off', 'GET')).status).toBe(403);
    const off = await send(base, 'GET', '/off', { origin: APP });
    expect([off.body, cors(off)]).toEqual(['off', {}]);
    expect((await ask(APP, '/open', 'GET')).status).toBe(204);
    const open = await send(base, 'GET', '/open', { origin: APP });
    expect(open.headers['access-control-allow-origin']).toBe(APP);
  });

  it('fails start-up for a route declared right after it whose config.cors is wrong', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(corsPlugin, { origin: [APP] });
    app.get('/admin', { config: { cors: { origin: [`${ADMIN}/`] } } }, async () => 'admin');
    await expect(app.ready()).rejects.toThrow(/Route GET \/admin: config\.cors:/);
  });

  it('fails start-up for a route declared in a plugin loaded before it, naming the route and the fix', async () => {
    const app = Fastify();
    apps.push(app);
    // This plugin loads first: its route gets none of the CORS plugin's hooks, and its
    // config.cors is unknown to it, so the scope's policy would answer its preflights.
    app.register(async (scope) => {
      scope.put('/admin', { config: { cors: { origin: [ADMIN] } } }, async () => 'admin');
    });
    app.register(corsPlugin, { origin: [APP] });
    const failed = await app.ready().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(CorsError);
    expect((failed as CorsError).code).toBe('ERR_CORS_ROUTE_NOT_COMPILED');
    expect((failed as CorsError).message).toContain('PUT /admin');
    expect((failed as CorsError).message).toContain('Register corsPlugin before');
  });

  it('fails start-up for a route without config.cors declared before it too: it would get no CORS headers', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(async (scope) => {
      scope.get('/early', async () => 'early');
    });
    app.register(corsPlugin, { origin: [APP] });
    await expect(app.ready()).rejects.toThrow(/GET \/early.*Register corsPlugin before/);
  });

  it('leaves alone routes outside its prefix, declared in a sibling scope before it', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(async (scope) => {
      scope.put('/public/items', async () => 'public');
    });
    app.register(
      async (api) => {
        await api.register(corsPlugin, { origin: [APP] });
        api.put('/items', { config: { cors: { origin: [ADMIN] } } }, async () => 'items');
      },
      { prefix: '/api' },
    );
    const base = await start(app);
    const preflight = await send(base, 'OPTIONS', '/api/items', {
      origin: ADMIN,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ADMIN);
  });

  it('works for routes declared after the plugin loaded, awaited or in a later plugin', async () => {
    const app = Fastify();
    app.register(corsPlugin, { origin: [APP] });
    app.register(async (scope) => {
      scope.put('/admin', { config: { cors: { origin: [ADMIN] } } }, async () => 'admin');
    });
    const base = await start(app);
    const fromApp = await send(base, 'OPTIONS', '/admin', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(fromApp.status).toBe(403);
    const fromAdmin = await send(base, 'OPTIONS', '/admin', {
      origin: ADMIN,
      'access-control-request-method': 'PUT',
    });
    expect(fromAdmin.status).toBe(204);
  });

  it("pins that Fastify's public findRoute gives no route config, which is why the plugin keeps a table", async () => {
    const app = Fastify();
    app.get('/x', { config: { cors: false } }, async () => 'x');
    await app.ready();
    apps.push(app);
    const found = app.findRoute({ method: 'GET', url: '/x' }) as unknown as Record<string, unknown>;
    expect(Object.keys(found).sort()).toEqual(['handler', 'params', 'searchParams']);
  });
});

describe('imported after the Fastify instance was created', () => {
  // `app.register(require('@cors/fastify'), options)` loads the plugin after `Fastify()`, so it
  // missed the instance's announcement and cannot see routes declared before it loads. Its own
  // process: in this file the plugin is imported before every instance.
  const script = `
const { default: Fastify } = await import('fastify');
const early = Fastify();
const late = Fastify();
const { corsPlugin } = await import('@cors/fastify');
early.register(corsPlugin, { origin: ['${APP}'] });
early.put('/admin', { config: { cors: { origin: ['${ADMIN}'] } } }, async () => 'admin');
const failed = await early.ready().then(() => null, (error) => [error.code, error.message]);
await late.register(corsPlugin, { origin: ['${APP}'] });
late.put('/admin', { config: { cors: { origin: ['${ADMIN}'] } } }, async () => 'admin');
const ask = (origin) => late.inject({ method: 'OPTIONS', url: '/admin', headers: { origin, 'access-control-request-method': 'PUT' } });
console.log(JSON.stringify([failed, (await ask('${APP}')).statusCode, (await ask('${ADMIN}')).statusCode]));
`;

  it('fails start-up when routes were declared before it loaded, and works when none were', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    const [failed, fromApp, fromAdmin] = JSON.parse(stdout.trim()) as [
      [string, string],
      number,
      number,
    ];
    expect(failed[0]).toBe('ERR_CORS_ROUTE_NOT_COMPILED');
    expect(failed[1]).toContain('Import @cors/fastify before creating the instance');
    expect([fromApp, fromAdmin]).toEqual([403, 204]);
  }, 30_000);
});

describe('a prefixed scope', () => {
  it('puts its CORS headers on its own 404s and errors', async () => {
    const app = Fastify();
    app.register(
      async (api) => {
        await api.register(corsPlugin, { origin: [APP] });
        api.get('/boom', async () => {
          throw new Error('boom');
        });
      },
      { prefix: '/api' },
    );
    const base = await start(app);
    const missing = await send(base, 'GET', '/api/nope', { origin: APP });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      message: 'Route GET:/api/nope not found',
      error: 'Not Found',
      statusCode: 404,
    });
    expect(missing.headers['access-control-allow-origin']).toBe(APP);
    const failed = await send(base, 'GET', '/api/boom', { origin: APP });
    expect(failed.status).toBe(500);
    expect(failed.headers['access-control-allow-origin']).toBe(APP);
    const outside = await send(base, 'GET', '/nope', { origin: APP });
    expect([outside.status, outside.headers['access-control-allow-origin']]).toEqual([
      404,
      undefined,
    ]);
  });

  it("keeps a not-found handler the scope set before the plugin, and it gets the scope's headers", async () => {
    const app = Fastify();
    app.register(
      async (api) => {
        api.setNotFoundHandler((_request, reply) => reply.code(404).send('custom'));
        await api.register(corsPlugin, { origin: [APP] });
      },
      { prefix: '/api' },
    );
    const base = await start(app);
    const missing = await send(base, 'GET', '/api/nope', { origin: APP });
    expect([missing.status, missing.body]).toEqual([404, 'custom']);
    expect(missing.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('per-request selection', () => {
  const byHost = new Map([
    ['a.example', createCorsPolicy({ origin: ['https://app.a.example'] })],
    ['b.example', createCorsPolicy({ origin: ['https://app.b.example'] })],
  ]);
  const fallback = createCorsPolicy({ origin: [APP] });

  it('grants each tenant its own origins, preflights included, with { policy: selector }', async () => {
    const app = Fastify();
    await app.register(corsPlugin, {
      policy: (request) => byHost.get(request.headers.host ?? '') ?? fallback,
    });
    app.put('/x', async () => 'x');
    const base = await start(app);
    const request = { 'access-control-request-method': 'PUT' };
    const a = await send(base, 'OPTIONS', '/x', {
      host: 'a.example',
      origin: 'https://app.a.example',
      ...request,
    });
    expect([a.status, a.headers['access-control-allow-origin']]).toEqual([
      204,
      'https://app.a.example',
    ]);
    const bFromA = await send(base, 'OPTIONS', '/x', {
      host: 'b.example',
      origin: 'https://app.a.example',
      ...request,
    });
    expect(bFromA.status).toBe(403);
  });

  it('takes a selector as a route config too, and fails a request whose selector returns options', async () => {
    const app = Fastify();
    await app.register(corsPlugin, { origin: [APP] });
    app.get(
      '/tenant',
      { config: { cors: (request) => byHost.get(request.headers.host ?? '') ?? fallback } },
      async () => 't',
    );
    app.get('/broken', { config: { cors: () => ({ origin: '*' }) as never } }, async () => 'b');
    const base = await start(app);
    const tenant = await send(base, 'GET', '/tenant', {
      host: 'b.example',
      origin: 'https://app.b.example',
    });
    expect(tenant.headers['access-control-allow-origin']).toBe('https://app.b.example');
    const broken = await send(base, 'GET', '/broken', { origin: APP });
    expect(broken.status).toBe(500);
    expect(JSON.parse(broken.body).code).toBe(ERR_CORS_SELECTOR_RESULT);
  });
});

describe('bundled with esbuild', () => {
  it('applies route policies to preflights when Fastify and the plugin are bundled into one file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cors-fastify-bundle-'));
    try {
      const entry = join(dir, 'app.mjs');
      await writeFile(
        entry,
        `import Fastify from 'fastify';
import corsPlugin from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))};
const app = Fastify();
await app.register(corsPlugin, { origin: ['${APP}'] });
app.put('/admin', { config: { cors: { origin: ['${ADMIN}'] } } }, async () => 'admin');
await app.ready();
const ask = (origin) => app.inject({ method: 'OPTIONS', url: '/admin', headers: { origin, 'access-control-request-method': 'PUT' } });
const [fromApp, fromAdmin] = [await ask('${APP}'), await ask('${ADMIN}')];
console.log(JSON.stringify([fromApp.statusCode, fromAdmin.statusCode, fromAdmin.headers['access-control-allow-origin']]));
await app.close();
`,
      );
      const outfile = join(dir, 'bundle.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        logLevel: 'silent',
        nodePaths: [
          fileURLToPath(new URL('../node_modules', import.meta.url)),
          fileURLToPath(new URL('../../../node_modules', import.meta.url)),
        ],
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
      });
      // Run the bundle from a directory where nothing can be resolved from node_modules.
      const { stdout } = await promisify(execFile)(process.execPath, [outfile], { cwd: dir });
      expect(JSON.parse(stdout.trim())).toEqual([403, 204, ADMIN]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
