/**
 * Nest 12, npm's `latest`, which the peer range of @cors/nestjs accepts: the packed tarballs in a
 * fresh consumer with `@nestjs/*@12` from the registry, so that @cors/nestjs resolves Nest 12 and
 * not the workspace's Nest 11. The module's key behaviour (allowed request, preflight answered
 * before routing, a route's own @Cors() policy for its preflight) on both platforms, from the ESM
 * and the CommonJS builds (Nest 12 is ESM-only: CommonJS reaches it through require(esm)).
 * Run it with NODE_BINARY=<node> to pick the Node.js version (CI: Node 22).
 */
import { copyFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, install, packAll, run, tempFolder, type Answer } from '../src/consumer.js';

const APP = 'https://app.example.com';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let consumer: string;

beforeAll(async () => {
  folder = await tempFolder('cors-nest12-');
  const tarballs = await packAll(folder.dir);
  consumer = join(folder.dir, 'app');
  const dependencies: Record<string, string> = {
    '@nestjs/common': '^12.0.0',
    '@nestjs/core': '^12.0.0',
    '@nestjs/platform-express': '^12.0.0',
    '@nestjs/platform-fastify': '^12.0.0',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.0',
  };
  for (const name of ['@cors/core', '@cors/node', '@cors/nestjs']) {
    dependencies[name] = `file:${tarballs.get(name)!}`;
  }
  await install(consumer, dependencies);
  for (const file of await readdir(FIXTURES))
    await copyFile(join(FIXTURES, file), join(consumer, file));
});

afterAll(async () => {
  await folder?.remove();
});

describe('@cors/nestjs on Nest 12', () => {
  it('resolves Nest 12 from the consumer, for the app and for @cors/nestjs alike', async () => {
    for (const name of ['@nestjs/common', '@nestjs/core']) {
      const manifest = JSON.parse(
        await readFile(join(consumer, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(manifest.version, name).toMatch(/^12\./);
    }
    const nested = await readdir(join(consumer, 'node_modules', '@cors', 'nestjs')).catch(() => []);
    expect(nested).not.toContain('node_modules');
  });

  it.each([
    ['ESM', 'serve.mjs'],
    ['CommonJS', 'serve.cjs'],
  ])(
    'answers a CORS request and a preflight on Express and Fastify, from %s',
    async (_f, entry) => {
      const { stdout } = await run('node', [entry, 'nest-express', 'nest-fastify'], consumer);
      const answers = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, Answer>;
      for (const platform of ['nest-express', 'nest-fastify']) {
        const { get, preflight } = answers[platform]!;
        expect(get, platform).toMatchObject({ status: 200, acao: APP, vary: 'Origin' });
        expect(JSON.parse(get.body), platform).toEqual({ user: 'ada' });
        expect(preflight, platform).toEqual({ status: 204, acao: APP, methods: 'PUT' });
        expect(answers[platform]!.routePolicy, platform).toEqual({
          admin: { acao: 'https://admin.example.com' },
          app: { acao: null },
        });
      }
    },
  );
});
