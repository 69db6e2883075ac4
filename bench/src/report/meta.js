// The run's context for the report: machine, versions of every library, commit, load average.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../../', import.meta.url).pathname;

/** The package.json of `name` as resolved from `from` (a file path), found by walking up. */
function packageJson(name, from = import.meta.url) {
  try {
    let dir = path.dirname(createRequire(from).resolve(name));
    for (;;) {
      const file = path.join(dir, 'package.json');
      try {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        if (json.name === name) return { ...json, file };
      } catch {
        // not here: keep walking up
      }
      const parent = path.dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

function version(name, from) {
  return packageJson(name, from)?.version ?? 'not installed';
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Our packages: version, and when their dist was built (the bench runs the built code). */
function ours(name) {
  const json = packageJson(name);
  if (json === null) return `${name}: not built`;
  let built = 'no dist';
  try {
    built = `dist ${statSync(path.join(path.dirname(json.file), 'dist/index.js')).mtime.toISOString()}`;
  } catch {
    // not built
  }
  return `${name} ${json.version} (${built})`;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage() {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

export async function collectMeta(settings) {
  const cpus = os.cpus();
  const nestExpress = require.resolve('@nestjs/platform-express');
  const nestFastify = require.resolve('@nestjs/platform-fastify');
  const dirty = git('status', '--porcelain', '--', 'packages', 'bench') !== '';
  return {
    date: new Date().toISOString(),
    mode: settings.mode,
    settings,
    machine: `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
    cores: cpus.length,
    loadAverageStart: loadAverage(),
    node:
      typeof globalThis.Bun === 'undefined'
        ? `${process.version} (V8 ${process.versions.v8})`
        : `Bun ${globalThis.Bun.version} (reports Node ${process.version})`,
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in packages/ or bench/' : ''}`,
    peers: [
      `cors ${version('cors')}`,
      `@fastify/cors ${version('@fastify/cors')}`,
      `@koa/cors ${version('@koa/cors')}`,
      `hono/cors (hono ${version('hono')})`,
      `Nest enableCors: cors ${version('cors', nestExpress)} (platform-express), @fastify/cors ${version('@fastify/cors', nestFastify)} (platform-fastify)`,
    ],
    frameworks: [
      `express ${version('express')}`,
      `fastify ${version('fastify')}`,
      `koa ${version('koa')}`,
      `@nestjs/core ${version('@nestjs/core')}`,
      `@nestjs/platform-express ${version('@nestjs/platform-express')} (express ${version('express', nestExpress)})`,
      `@nestjs/platform-fastify ${version('@nestjs/platform-fastify')} (fastify ${version('fastify', nestFastify)})`,
      `hono ${version('hono')}`,
      `autocannon ${version('autocannon')}`,
      `esbuild ${version('esbuild')}`,
    ],
    ours: [
      '@cors/core',
      '@cors/node',
      '@cors/fastify',
      '@cors/koa',
      '@cors/nestjs',
      '@cors/hono',
      '@cors/fetch',
    ].map(ours),
  };
}
