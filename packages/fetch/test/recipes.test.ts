/**
 * docs/recipes.md, kept honest: every code block there is one of the files in test/recipes/ (which
 * `tsc -p tsconfig.test.json` type-checks, Next.js, SvelteKit and React Router against the cut-down
 * signatures in test/recipes/frameworks.d.ts), and each recipe that can run here runs: Bun's and
 * Elysia's on Bun, Deno's on Deno, the Worker on workerd, h3's, the Next.js route handler's and the
 * React Router resource route's on Node.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { close, send, serveFetch } from './http.js';
import { startOnRuntime, type RunningRuntime, type Runtime } from './runtimes.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const RECIPES = fileURLToPath(new URL('../../../docs/recipes.md', import.meta.url));
const APP = 'https://app.example.com';
const preflight = { origin: APP, 'access-control-request-method': 'PUT' };

const recipeFile = (name: string) => `${PACKAGE}test/recipes/${name}.ts`;

describe('docs/recipes.md', () => {
  const doc = readFileSync(RECIPES, 'utf8');
  const blocks = [...doc.matchAll(/<!-- recipe: (\S+) -->\n\n```ts\n([\s\S]*?)```/g)];

  it('shows every recipe file, and nothing else as a recipe', () => {
    expect(blocks.map((block) => block[1])).toEqual([
      'bun',
      'deno',
      'workers',
      'next-route',
      'next-middleware',
      'sveltekit',
      'h3',
      'elysia',
      'react-router',
    ]);
  });

  for (const block of blocks) {
    it(`shows test/recipes/${block[1]}.ts as it is`, () => {
      expect(block[2]).toBe(readFileSync(recipeFile(block[1]!), 'utf8'));
    });
  }
});

const running: RunningRuntime[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

/**
 * Serves a recipe's default export `{ fetch }`: `deno serve` itself on Deno; on Bun, `Bun.serve`
 * with it (what `bun run` does with a default export, on loopback and a free port); workerd loads
 * the file as the Worker.
 */
async function serveDefault(runtime: Runtime, name: string): Promise<number> {
  const entry =
    runtime === 'bun'
      ? {
          contents: `import app from ${JSON.stringify(recipeFile(name))};
const server = Bun.serve({ ...app, hostname: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ port: server.port }));`,
          resolveDir: PACKAGE,
        }
      : recipeFile(name);
  const started = await startOnRuntime(runtime, entry, { denoServe: runtime === 'deno' });
  running.push(started);
  return started.port;
}

async function expectCors(port: number, path: string, body: unknown): Promise<void> {
  const reply = await send(port, 'GET', path, { origin: APP });
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toEqual(body);
  expect(reply.headers['access-control-allow-origin']).toBe(APP);
  expect(reply.headers.vary).toContain('Origin');
  const answered = await send(port, 'OPTIONS', path, preflight);
  expect(answered.status).toBe(204);
  expect(answered.headers['access-control-allow-methods']).toBe('PUT');
  const refused = await send(port, 'GET', path, { origin: 'https://evil.example' });
  expect(refused.headers['access-control-allow-origin']).toBeUndefined();
}

describe('recipes, run', () => {
  it('Bun: Bun.serve serves its default export', async () => {
    const port = await serveDefault('bun', 'bun');
    await expectCors(port, '/api/x', { path: '/api/x' });
  });

  it('Deno: deno serve serves its default export', async () => {
    const port = await serveDefault('deno', 'deno');
    await expectCors(port, '/', { runtime: 'deno' });
  });

  it('Cloudflare Workers: workerd serves it, env and ctx included', async () => {
    const port = await serveDefault('workerd', 'workers');
    await expectCors(port, '/', { greeting: 'hello from a worker' });
  });

  it('Elysia: on Bun, routes and 404s get the headers', async () => {
    const port = await serveDefault('bun', 'elysia');
    await expectCors(port, '/api/me', { user: 'ada' });
    const missing = await send(port, 'GET', '/nowhere', { origin: APP });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe(APP);
  });

  it('h3: on Node, routes and 404s get the headers', async () => {
    const recipe = (await import('./recipes/h3.js')).default;
    const { server, port } = await serveFetch(recipe.fetch);
    try {
      await expectCors(port, '/api/me', { user: 'ada' });
      const missing = await send(port, 'GET', '/nowhere', { origin: APP });
      expect(missing.status).toBe(404);
      expect(missing.headers['access-control-allow-origin']).toBe(APP);
    } finally {
      await close(server);
    }
  });

  it('Next.js route handler: called as Next.js calls it, with a Request and the route context', async () => {
    const { GET, PUT, OPTIONS } = await import('./recipes/next-route.js');
    const context = { params: Promise.resolve({ id: '42' }) };
    const get = await GET(
      new Request('http://api.test/api/items/42', { headers: { origin: APP } }),
      context,
    );
    expect(await get.json()).toEqual({ id: '42' });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP);
    const put = await PUT(
      new Request('http://api.test/api/items/42', {
        method: 'PUT',
        headers: { origin: APP, 'content-type': 'application/json' },
        body: '{"name":"x"}',
      }),
    );
    expect(await put.json()).toEqual({ name: 'x' });
    const answered = await OPTIONS(
      new Request('http://api.test/api/items/42', { method: 'OPTIONS', headers: preflight }),
      context,
    );
    expect(answered.status).toBe(204);
    expect(answered.headers.get('access-control-allow-methods')).toBe('PUT');
  });

  it('React Router resource route: the loader and the action, called with a Request', async () => {
    const { loader, action } = await import('./recipes/react-router.js');
    const args = (request: Request) => ({ request, params: {}, context: {} });
    const loaded = loader(
      args(new Request('http://api.test/api/me', { headers: { origin: APP } })),
    );
    expect(loaded.headers.get('access-control-allow-origin')).toBe(APP);
    const answered = await action(
      args(new Request('http://api.test/api/me', { method: 'OPTIONS', headers: preflight })),
    );
    expect(answered.status).toBe(204);
    const put = await action(
      args(new Request('http://api.test/api/me', { method: 'PUT', headers: { origin: APP } })),
    );
    expect(await put.json()).toEqual({ updated: true });
    expect(put.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
