/**
 * The packages as the registry will serve them: every publishable package is packed, installed
 * from its tarball into a fresh folder outside the workspace with the frameworks from npm, and then
 * imported (ESM), required (CommonJS), type-checked (node16, nodenext, bundler) and run: one CORS
 * request and one preflight per framework over real HTTP, from the ESM and the CommonJS builds.
 * A package added to packages/ later is picked up; it needs an app in fixtures/apps.cjs.
 */
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  install,
  packAll,
  packages,
  run,
  tempFolder,
  type Answer,
} from '../src/consumer.js';

const APP = 'https://app.example.com';

/** The apps of fixtures/apps.cjs that serve each package. */
const SERVED_BY: Record<string, string[]> = {
  '@cors/core': ['node:http'],
  '@cors/node': ['node:http', 'express'],
  '@cors/fastify': ['fastify'],
  '@cors/koa': ['koa'],
  '@cors/nestjs': ['nest-express', 'nest-fastify'],
  '@cors/fetch': ['fetch'],
  '@cors/hono': ['hono'],
  // A command, not a middleware: run by its own test below, against the node:http app.
  '@cors/doctor': [],
};

/** The frameworks from the registry, at the majors the packages' peer ranges and READMEs name. */
const FRAMEWORKS: Record<string, string> = {
  express: '^5.1.0',
  fastify: '^5.0.0',
  koa: '^3.0.0',
  '@nestjs/common': '^11.0.0',
  '@nestjs/core': '^11.0.0',
  '@nestjs/platform-express': '^11.0.0',
  '@nestjs/platform-fastify': '^11.0.0',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.0',
  hono: '^4.13.0',
  '@hono/node-server': '^2.1.9',
  typescript: '~6.0.3',
  '@types/node': '^22.0.0',
  '@types/express': '^5.0.0',
  '@types/koa': '^3.0.0',
};

let folder: Awaited<ReturnType<typeof tempFolder>>;
let consumer: string;
let tarballs: Map<string, string>;

beforeAll(async () => {
  folder = await tempFolder('cors-consumer-');
  tarballs = await packAll(folder.dir);
  consumer = join(folder.dir, 'app');
  const dependencies: Record<string, string> = { ...FRAMEWORKS };
  for (const [name, tarball] of tarballs) dependencies[name] = `file:${tarball}`;
  await install(consumer, dependencies);
  for (const file of await readdir(FIXTURES))
    await copyFile(join(FIXTURES, file), join(consumer, file));
});

afterAll(async () => {
  await folder?.remove();
});

describe('the packed tarballs in a fresh consumer', () => {
  it('packs every publishable package of packages/', () => {
    expect(packages.length).toBeGreaterThanOrEqual(5);
    expect([...tarballs.keys()].sort()).toEqual(packages.map((pkg) => pkg.manifest.name).sort());
  });

  it.each(packages.map((pkg) => pkg.manifest.name))(
    '%s: its tarball has the LICENSE, README.md, both builds and no sources',
    async (name) => {
      const { stdout } = await run('tar', ['-tzf', tarballs.get(name)!], folder.dir);
      const files = stdout.split('\n').filter(Boolean);
      for (const required of [
        'package/LICENSE',
        'package/README.md',
        'package/package.json',
        'package/dist/index.js',
        'package/dist/index.cjs',
        'package/dist/index.d.ts',
        'package/dist/index.d.cts',
      ]) {
        expect(files, `${name} lacks ${required}`).toContain(required);
      }
      expect(files.filter((file) => file.startsWith('package/src/'))).toEqual([]);
      expect(files.filter((file) => file.startsWith('package/test/'))).toEqual([]);
    },
  );

  it('imports every package from ESM, default exports where the peers have them', async () => {
    const names = [...tarballs.keys()];
    const script = [
      ...names.map((name, index) => `import * as p${index} from '${name}';`),
      `const out = {};`,
      ...names.map(
        (name, index) =>
          `out['${name}'] = { keys: Object.keys(p${index}), defaultIsCors: p${index}.default !== undefined && p${index}.default === p${index}.cors };`,
      ),
      `console.log(JSON.stringify(out));`,
    ].join('\n');
    await writeFile(join(consumer, 'import-all.mjs'), script);
    const { stdout } = await run('node', ['import-all.mjs'], consumer);
    const loaded = JSON.parse(stdout) as Record<string, { keys: string[]; defaultIsCors: boolean }>;
    for (const name of names) expect(loaded[name]!.keys.length, name).toBeGreaterThan(0);
    expect(loaded['@cors/node']!.defaultIsCors).toBe(true);
    expect(loaded['@cors/koa']!.defaultIsCors).toBe(true);
    expect(loaded['@cors/core']!.keys).toContain('createCorsPolicy');
  });

  it('requires every package from CommonJS: an object of named exports', async () => {
    const names = [...tarballs.keys()];
    const script = [
      `'use strict';`,
      `const out = {};`,
      ...names.map(
        (name) =>
          `{ const m = require('${name}'); out['${name}'] = { type: typeof m, keys: Object.keys(m), defaultIsCors: m.default !== undefined && m.default === m.cors }; }`,
      ),
      `console.log(JSON.stringify(out));`,
    ].join('\n');
    await writeFile(join(consumer, 'require-all.cjs'), script);
    const { stdout } = await run('node', ['require-all.cjs'], consumer);
    const loaded = JSON.parse(stdout) as Record<
      string,
      { type: string; keys: string[]; defaultIsCors: boolean }
    >;
    for (const name of names) {
      expect(loaded[name]!.type, name).toBe('object');
      expect(loaded[name]!.keys.length, name).toBeGreaterThan(0);
    }
    expect(loaded['@cors/node']!.defaultIsCors).toBe(true);
    expect(loaded['@cors/koa']!.defaultIsCors).toBe(true);
  });

  it.each([
    ['node16', ['--module', 'node16', '--moduleResolution', 'node16'], ['usage.mts', 'usage.cts']],
    [
      'nodenext',
      ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
      ['usage.mts', 'usage.cts'],
    ],
    ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler'], ['usage.mts']],
  ])('type-checks what a user writes under moduleResolution %s', async (_name, flags, files) => {
    const names = [...tarballs.keys()];
    await writeFile(
      join(consumer, 'import-all.mts'),
      `${names.map((name, index) => `import * as p${index} from '${name}';`).join('\n')}\nexport const all = [${names.map((_n, index) => `p${index}`).join(', ')}];\n`,
    );
    await run(
      'npx',
      [
        'tsc',
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--lib',
        'es2022',
        '--types',
        'node',
        '--experimentalDecorators',
        '--esModuleInterop',
        '--skipLibCheck',
        ...flags,
        'import-all.mts',
        ...files,
      ],
      consumer,
    );
  });

  it('has an app in fixtures/apps.cjs for every publishable package', () => {
    const missing = [...tarballs.keys()].filter((name) => SERVED_BY[name] === undefined);
    expect(missing, 'add an app to tests/consumer/fixtures/apps.cjs and SERVED_BY').toEqual([]);
  });

  it.each([
    ['ESM', 'serve.mjs'],
    ['CommonJS', 'serve.cjs'],
  ])(
    'answers a CORS request and a preflight on every framework, from %s',
    async (_format, entry) => {
      const apps = [...new Set(Object.values(SERVED_BY).flat())];
      const { stdout } = await run('node', [entry, ...apps], consumer);
      const answers = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, Answer>;
      expect(Object.keys(answers).sort()).toEqual([...apps].sort());
      for (const app of apps) {
        const { get, preflight } = answers[app]!;
        expect(get, app).toMatchObject({ status: 200, acao: APP, vary: 'Origin' });
        expect(JSON.parse(get.body), app).toEqual({ user: 'ada' });
        expect(preflight, app).toEqual({ status: 204, acao: APP, methods: 'PUT' });
        if (app.startsWith('nest-')) {
          expect(answers[app]!.routePolicy, app).toEqual({
            admin: { acao: 'https://admin.example.com' },
            app: { acao: null },
          });
        }
      }
    },
  );

  it('runs the installed cors-doctor command: lint refuses a configuration, explain allows a request', async () => {
    await writeFile(
      join(consumer, 'doctor-bad.mjs'),
      `export default { origin: '*', credentials: true };\n`,
    );
    await writeFile(join(consumer, 'doctor-good.mjs'), `export default { origin: ['${APP}'] };\n`);
    const bin = join(consumer, 'node_modules', '.bin', 'cors-doctor');
    const lint = await run(bin, ['lint', '--config', 'doctor-bad.mjs', '--json'], consumer, {
      allowFailure: true,
    });
    expect(lint.code).toBe(1);
    expect(JSON.parse(lint.stdout)).toMatchObject({
      issues: [expect.objectContaining({ code: 'credentials_with_wildcard_origin' })],
    });
    const { stdout } = await run(
      bin,
      ['explain', '--config', 'doctor-good.mjs', '--origin', APP, '--method', 'PUT', '--json'],
      consumer,
    );
    expect(JSON.parse(stdout)).toMatchObject({ allowed: true });
  });
});
