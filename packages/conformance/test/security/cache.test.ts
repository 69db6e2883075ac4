/**
 * Cache poisoning through CORS: a real shared cache (nginx `proxy_cache`, caching every 200 for ten
 * minutes and honouring Vary) in front of every adapter. A response cached for one origin must never
 * be served to another origin, nor to a request without Origin; with `origin: '*'`, one cached
 * answer serves everyone. Two deliberately broken servers show that the test would catch an adapter
 * that forgets `Vary: Origin`, or sets it only when the origin is allowed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../../src/apps/index.js';
import { findNginx, startNginx, type RunningNginx } from '../../src/security/nginx.js';
import { headerValues, rawExchange, rawRequest } from '../../src/security/raw.js';

const A = 'https://app.example.com';
const B = 'https://b.example.com';
const EVIL = 'https://evil.com';
const LISTED = { origin: [A, 'https://*.example.com'], credentials: true };
const isListed = (origin: string | undefined) => origin === A || origin === B;

interface Exchange {
  origin: string | undefined;
  allowOrigin: string | undefined;
  allowCredentials: string | undefined;
  cache: string | undefined;
}

/** Sequences that would make a Vary-less cache serve one origin's answer to another. */
const SEQUENCES: Record<string, (string | undefined)[]> = {
  'allowed, other allowed, refused, none, then each again': [
    A,
    A,
    B,
    B,
    EVIL,
    EVIL,
    undefined,
    undefined,
    A,
    B,
  ],
  'no Origin first, then allowed origins': [undefined, A, B, undefined],
  'refused origin first, then allowed and none': [EVIL, A, undefined, EVIL],
};

let nginx: RunningNginx;
const apps: [string, RunningApp][] = [];
const broken: [string, http.Server][] = [];

async function replay(name: string, key: string, origins: (string | undefined)[]) {
  const exchanges: Exchange[] = [];
  for (const origin of origins) {
    const reply = await rawExchange(
      nginx.port,
      rawRequest(
        'GET',
        nginx.path(name, `/api/hello?sequence=${encodeURIComponent(key)}`),
        origin === undefined ? [] : [['Origin', origin]],
      ),
    );
    expect(reply.status, reply.head).toBe(200);
    exchanges.push({
      origin,
      allowOrigin: headerValues(reply, 'access-control-allow-origin')[0],
      allowCredentials: headerValues(reply, 'access-control-allow-credentials')[0],
      cache: headerValues(reply, 'x-cache-status')[0],
    });
  }
  return exchanges;
}

/** Every exchange where the cache served an answer meant for someone else. */
function wrongAnswers(exchanges: Exchange[]): string[] {
  return exchanges
    .filter(
      (e) =>
        e.allowOrigin !== (isListed(e.origin) ? e.origin : undefined) ||
        e.allowCredentials !== (isListed(e.origin) ? 'true' : undefined),
    )
    .map(
      (e) =>
        `${e.origin ?? '(no Origin)'} got Access-Control-Allow-Origin ${e.allowOrigin ?? '(none)'} (${e.cache})`,
    );
}

/** The broken servers: what CORS middleware without a correct Vary does. */
function brokenServer(varyOnlyWhenAllowed: boolean): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const origin = req.headers.origin;
    if (isListed(origin)) {
      res.setHeader('access-control-allow-origin', origin as string);
      res.setHeader('access-control-allow-credentials', 'true');
      if (varyOnlyWhenAllowed) res.setHeader('vary', 'Origin');
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"message":"hello"}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  findNginx(); // fails with the install hint before any server starts
  for (const adapter of adapterApps) {
    apps.push(
      [`${adapter.name}-listed`, await adapter.start({ policy: LISTED })],
      [`${adapter.name}-public`, await adapter.start({ policy: { origin: '*' } })],
    );
  }
  broken.push(
    ['broken-no-vary', await brokenServer(false)],
    ['broken-vary-when-allowed', await brokenServer(true)],
  );
  nginx = await startNginx(
    Object.fromEntries([
      ...apps.map(([name, app]) => [name, app.port]),
      ...broken.map(([name, server]) => [name, (server.address() as AddressInfo).port]),
    ]),
  );
});

afterAll(async () => {
  await nginx?.close();
  await Promise.all([
    ...apps.map(([, app]) => app.close()),
    ...broken.map(([, server]) => new Promise<void>((resolve) => server.close(() => resolve()))),
  ]);
});

it('nginx is installed (the cache tests need a real shared cache)', () => {
  expect(findNginx()).toMatch(/nginx$/);
});

describe.each(adapterApps)('$name behind nginx proxy_cache', (adapter) => {
  it.each(Object.entries(SEQUENCES))(
    "never serves one origin's cached answer to another origin or to a request without Origin: %s",
    async (key, origins) => {
      const exchanges = await replay(`${adapter.name}-listed`, key, origins);
      expect(wrongAnswers(exchanges)).toEqual([]);
      // The cache is really caching: every repeat of an earlier request is a hit.
      exchanges.forEach((e, i) => {
        const seenBefore = exchanges.slice(0, i).some((earlier) => earlier.origin === e.origin);
        expect(e.cache, `request ${i} (${e.origin ?? 'no Origin'})`).toBe(
          seenBefore ? 'HIT' : 'MISS',
        );
      });
    },
  );

  it("with origin '*', serves one cached answer to every origin and to requests without Origin", async () => {
    const exchanges = await replay(`${adapter.name}-public`, 'public', [A, EVIL, undefined, B]);
    expect(exchanges.map((e) => e.allowOrigin)).toEqual(['*', '*', '*', '*']);
    expect(exchanges.map((e) => e.allowCredentials)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(exchanges.map((e) => e.cache)).toEqual(['MISS', 'HIT', 'HIT', 'HIT']);
  });
});

describe('the test has teeth: a broken server behind the same cache', () => {
  it('that sets Access-Control-Allow-Origin without Vary gets one origin its answer served to another', async () => {
    const exchanges = await replay(
      'broken-no-vary',
      'teeth',
      SEQUENCES['allowed, other allowed, refused, none, then each again'] as (string | undefined)[],
    );
    const wrong = wrongAnswers(exchanges);
    expect(wrong).toContain(`${B} got Access-Control-Allow-Origin ${A} (HIT)`);
    expect(wrong).toContain(`${EVIL} got Access-Control-Allow-Origin ${A} (HIT)`);
    expect(wrong).toContain(`(no Origin) got Access-Control-Allow-Origin ${A} (HIT)`);
  });

  it('that varies on Origin only when it allows the origin gets a cached refusal served to an allowed origin', async () => {
    const exchanges = await replay(
      'broken-vary-when-allowed',
      'teeth',
      SEQUENCES['no Origin first, then allowed origins'] as (string | undefined)[],
    );
    const wrong = wrongAnswers(exchanges);
    expect(wrong).toContain(`${A} got Access-Control-Allow-Origin (none) (HIT)`);
  });
});
