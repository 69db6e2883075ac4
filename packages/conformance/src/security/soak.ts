/**
 * The soak: many requests with random origins, methods and header lists, over keep-alive
 * connections, against one adapter's app running in a child process. Every answer is checked
 * against the core's decision for the same request, and the child reports its memory after forced
 * garbage collection at checkpoints, so that a leak (a per-origin cache, retained requests or
 * listeners) shows as growth between the first and the last quarter.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCorsPolicy, type CorsDecision, type CorsRequest } from '@cors/core';
import type { MemoryReport } from './soak-server.js';
import { SOAK_POLICY } from './soak-policy.js';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Bundles the server child (TypeScript, decorators included) into one ESM file whose bare imports
 * resolve from the workspace's node_modules, so that it runs under plain `node --expose-gc`.
 */
export async function buildSoakServer(): Promise<{ file: string; remove: () => Promise<void> }> {
  const { build } = await import('rolldown');
  const dir = join(PACKAGE_ROOT, 'node_modules', '.soak');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `soak-server-${process.pid}-${Date.now()}.mjs`);
  await build({
    input: join(PACKAGE_ROOT, 'src/security/soak-server.ts'),
    cwd: PACKAGE_ROOT,
    platform: 'node',
    tsconfig: join(PACKAGE_ROOT, 'tsconfig.json'),
    // Packages stay external (resolved at run time from the workspace), except the transform's
    // own helpers (decorators), which are inlined.
    external: (id) =>
      !id.startsWith('.') &&
      !id.startsWith('/') &&
      !/^[A-Za-z]:[\\/]/.test(id) &&
      !id.startsWith('@oxc-project/runtime'),
    output: { file, format: 'esm' },
    write: true,
    logLevel: 'warn',
  });
  return { file, remove: () => rm(file, { force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Random requests (seeded, so a failure can be replayed)

/** mulberry32: a tiny seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SoakRequest {
  method: string;
  headers: Record<string, string>;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEADER_NAMES = ['content-type', 'x-custom', 'authorization', 'x-requested-with', 'X-Trace'];
const METHODS = ['PUT', 'PATCH', 'DELETE', 'GET', 'POST', 'PROPFIND', 'put', 'PUT, DELETE', 'X Y'];

export function requestGenerator(seed: number): () => SoakRequest {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const word = (max: number) => {
    let out = '';
    const length = 1 + Math.floor(next() * max);
    for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
    return out;
  };
  const origin = (): string | undefined => {
    const r = next();
    // Unique origins on purpose (random labels): a per-origin cache would grow without bound.
    if (r < 0.25) return 'https://app.example.com';
    if (r < 0.45) return `https://${word(12)}.example.com`;
    if (r < 0.55) return `https://${word(12)}.example.org`;
    if (r < 0.6) return `http://localhost:${1 + Math.floor(next() * 65535)}`;
    if (r < 0.75) return `https://${word(12)}.evil.com`;
    if (r < 0.8)
      return pick(['null', 'https://app.example.com.evil.com', 'http://app.example.com']);
    if (r < 0.9)
      return pick([
        `https://${word(8)}.example.com/`,
        `https://${word(8).toUpperCase()}.example.com`,
        `https://app.example.com, https://${word(8)}.com`,
        `https://${word(8)}.example.com:443`,
        `https://${'a'.repeat(1100)}.example.com`,
      ]);
    return undefined;
  };
  const headerList = (): string | undefined => {
    const r = next();
    if (r < 0.3) return undefined;
    if (r < 0.85) {
      const count = 1 + Math.floor(next() * 8);
      const names: string[] = [];
      for (let i = 0; i < count; i++)
        names.push(next() < 0.5 ? pick(HEADER_NAMES) : `x-${word(10)}`);
      return names.join(next() < 0.7 ? ',' : ', ');
    }
    if (r < 0.9) return Array.from({ length: 70 }, (_, i) => `x-${i}`).join(',');
    return pick(['a,,b', 'x y', ',', `${'x'.repeat(5000)}`, 'x-\u00e9']);
  };
  return () => {
    const headers: Record<string, string> = {};
    const o = origin();
    if (o !== undefined) headers.origin = o;
    const r = next();
    let method: string;
    if (r < 0.45) {
      method = 'OPTIONS';
      headers['access-control-request-method'] = pick(METHODS);
      const list = headerList();
      if (list !== undefined) headers['access-control-request-headers'] = list;
    } else {
      method = pick(['GET', 'GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
    }
    return { method, headers };
  };
}

// ---------------------------------------------------------------------------------------------
// The server child

export interface SoakChild {
  readonly port: number;
  checkpoint(label: string): Promise<MemoryReport>;
  close(): Promise<void>;
}

export async function startSoakChild(bundle: string, adapter: string): Promise<SoakChild> {
  const child: ChildProcess = fork(bundle, [adapter], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`soak server for ${adapter} exited with ${code}`)),
    );
    child.once('message', (message: { type: string; port: number }) => {
      if (message.type === 'ready') resolve(message.port);
    });
  });
  return {
    port,
    checkpoint: (label) =>
      new Promise<MemoryReport>((resolve) => {
        const onMessage = (message: MemoryReport) => {
          if (message.type !== 'memory' || message.label !== label) return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ type: 'checkpoint', label });
      }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'close' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The load

export interface LoadResult {
  requests: number;
  errors: number;
  mismatches: number;
  /** The first few errors and mismatches, for the failure message. */
  samples: string[];
  durationMs: number;
}

const CHECKED = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
] as const;

/**
 * Sends `count` generated requests over `connections` keep-alive sockets and checks each answer's
 * status and CORS headers against the core's decision.
 */
export async function runLoad(
  port: number,
  count: number,
  generate: () => SoakRequest,
  connections = 32,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const policy = createCorsPolicy(SOAK_POLICY);
  const result: LoadResult = { requests: 0, errors: 0, mismatches: 0, samples: [], durationMs: 0 };
  const note = (text: string) => {
    if (result.samples.length < 10) result.samples.push(text);
  };
  let issued = 0;

  const one = ({ method, headers }: SoakRequest) =>
    new Promise<void>((done) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method,
        path: '/vector',
        headers,
        agent,
      });
      req.on('error', (error) => {
        result.errors++;
        note(`${method} ${JSON.stringify(headers)}: ${error.message}`);
        done();
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          result.requests++;
          const request: CorsRequest = {
            method,
            origin: headers.origin,
            requestMethod: headers['access-control-request-method'],
            requestHeaders: headers['access-control-request-headers'],
          };
          const decision = policy.decide(request) as CorsDecision;
          const status = decision.end ? decision.status : 200;
          const wrong = CHECKED.filter((name) => res.headers[name] !== decision.headers[name]);
          if (res.statusCode !== status || wrong.length > 0) {
            result.mismatches++;
            note(
              `${method} ${JSON.stringify(headers)}: status ${res.statusCode} (want ${status}), ` +
                wrong
                  .map((n) => `${n}: ${res.headers[n]} (want ${decision.headers[n]})`)
                  .join('; '),
            );
          }
          done();
        });
      });
      req.end();
    });

  const worker = async () => {
    while (issued < count) {
      issued++;
      await one(generate());
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  result.durationMs = performance.now() - start;
  agent.destroy();
  return result;
}
