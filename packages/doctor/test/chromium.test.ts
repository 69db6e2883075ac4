/**
 * The doctor against real Chromium: for each scenario, a page on one loopback origin
 * (http://localhost:<port>) fetches /api on a real server at http://127.0.0.1:<port>, and the
 * doctor diagnoses the same request against the same server. The doctor's `allowed` must equal
 * what Chromium did (the fetch resolved and the body was readable, or it threw), and when Chromium
 * blocked, the doctor's message must be the line Chromium printed in the console.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startPageServer } from '../../conformance/src/browser.js';
import { diagnose } from '../src/probe.js';
import type { Report } from '../src/types.js';
import {
  oursFastify,
  oursKoa,
  oursNode,
  peerExpressCors,
  peerFastifyCors,
  peerHonoCors,
  peerKoaCors,
  raw,
  type RunningServer,
} from './servers.js';

let browser: Browser;
let pages: Awaited<ReturnType<typeof startPageServer>>;
let PAGE: string;
const servers = new Map<string, RunningServer>();

type Factory = (page: string) => Promise<RunningServer>;

/** The servers, by name: each started once for the file. */
const SERVERS: Record<string, Factory> = {
  'ours-node': (page) =>
    oursNode({
      origin: [page],
      credentials: true,
      methods: ['GET', 'PUT', 'PATCH'],
      allowedHeaders: ['Content-Type', 'X-Custom'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    }),
  'ours-node-other-origin': () => oursNode({ origin: ['http://localhost:1'] }),
  'ours-fastify': (page) => oursFastify({ origin: [page], credentials: true }),
  'ours-koa-any-header': (page) => oursKoa({ origin: [page], allowedHeaders: '*' }),
  'cors-reflect-credentials': () => peerExpressCors({ origin: true, credentials: true }),
  'cors-default': () => peerExpressCors(),
  'koa-cors-credentials-no-origin': () => peerKoaCors({ credentials: true }),
  'koa-cors-default': () => peerKoaCors(),
  'fastify-cors-suffix': () => peerFastifyCors({ origin: /localhost(:\d+)?$/, credentials: true }),
  'fastify-cors-other': () => peerFastifyCors({ origin: /\.example\.com$/, credentials: true }),
  'hono-default': () => peerHonoCors(),
  'hono-other-origin': () => peerHonoCors({ origin: 'https://app.example.com' }),
  'hono-credentials': (page) =>
    peerHonoCors({ origin: page, credentials: true, allowHeaders: ['X-Custom'] }),
  'two-layers': (page) =>
    raw((_req, res) => {
      res.setHeader('access-control-allow-origin', [page, page]);
      res.end('{}');
    }),
  'preflight-redirect': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.method === 'OPTIONS') {
        res.writeHead(307, { location: '/elsewhere' }).end();
        return;
      }
      res.end('{}');
    }),
  'preflight-500': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.method === 'OPTIONS') res.statusCode = 500;
      res.end('{}');
    }),
  'credentials-capital-true': (page) =>
    raw((_req, res) => {
      res.setHeader('access-control-allow-origin', page);
      res.setHeader('access-control-allow-credentials', 'True');
      res.end('{}');
    }),
  'origin-trailing-slash': (page) =>
    raw((_req, res) => {
      res.setHeader('access-control-allow-origin', `${page}/`);
      res.end('{}');
    }),
  'methods-star': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      res.setHeader('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', '*');
        res.statusCode = 204;
      }
      res.end();
    }),
  'methods-upper-case': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'PATCH');
        res.statusCode = 204;
      }
      res.end();
    }),
  'no-preflight-support': () =>
    raw((req, res) => {
      if (req.method === 'OPTIONS') {
        res.statusCode = 405;
        res.end();
        return;
      }
      res.setHeader('access-control-allow-origin', '*');
      res.end('{}');
    }),
  'redirect-target-reflect': () =>
    raw((req, res) => {
      // Echoes whatever Origin arrives: after a cross-origin hop, that is 'null'.
      res.setHeader('access-control-allow-origin', req.headers.origin ?? '');
      res.end('{}');
    }),
  'redirect-target-fixed': (page) =>
    raw((_req, res) => {
      res.setHeader('access-control-allow-origin', page);
      res.end('{}');
    }),
  'cross-origin-redirect': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      // Looked up per request: the targets are started by then.
      const target =
        req.url === '/to-reflect' ? 'redirect-target-reflect' : 'redirect-target-fixed';
      res.writeHead(302, { location: `${servers.get(target)!.base}/api` }).end();
    }),
  'headers-star': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      res.setHeader('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-headers', '*');
        res.statusCode = 204;
      }
      res.end();
    }),
  'methods-unparsable': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'PUT; DELETE');
        res.statusCode = 204;
      }
      res.end();
    }),
  'preflight-without-credentials': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'PUT');
        res.statusCode = 204;
      } else res.setHeader('access-control-allow-credentials', 'true');
      res.end();
    }),
  'same-origin-redirect': (page) =>
    raw((req, res) => {
      res.setHeader('access-control-allow-origin', page);
      if (req.url === '/start') {
        res.writeHead(302, { location: '/api' }).end();
        return;
      }
      res.end('{}');
    }),
};

interface Scenario {
  readonly name: string;
  readonly server: keyof typeof SERVERS;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly credentials?: boolean;
  readonly path?: string;
  readonly allowed: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'ours: GET with credentials from a listed origin',
    server: 'ours-node',
    credentials: true,
    allowed: true,
  },
  {
    name: 'ours: PUT with a JSON body, preflighted, with credentials',
    server: 'ours-node',
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    credentials: true,
    allowed: true,
  },
  {
    name: 'ours: DELETE not in methods',
    server: 'ours-node',
    method: 'DELETE',
    credentials: true,
    allowed: false,
  },
  {
    name: 'ours: a header not in allowedHeaders',
    server: 'ours-node',
    method: 'PUT',
    headers: { 'X-Other': '1' },
    credentials: true,
    allowed: false,
  },
  {
    name: 'ours: lower-case patch against PATCH',
    server: 'ours-node',
    method: 'patch',
    allowed: false,
  },
  { name: 'ours: an origin not listed', server: 'ours-node-other-origin', allowed: false },
  {
    name: 'ours (Fastify): GET with credentials',
    server: 'ours-fastify',
    credentials: true,
    allowed: true,
  },
  {
    name: 'ours (Fastify): a custom header, reflected',
    server: 'ours-fastify',
    method: 'PUT',
    headers: { 'X-Custom': '1' },
    credentials: true,
    allowed: true,
  },
  {
    name: "ours (Koa): Authorization is never covered by '*'",
    server: 'ours-koa-any-header',
    method: 'PUT',
    headers: { Authorization: 'Bearer x' },
    allowed: false,
  },
  {
    name: "ours (Koa): '*' covers any other header",
    server: 'ours-koa-any-header',
    method: 'PUT',
    headers: { 'X-Anything': '1' },
    allowed: true,
  },
  {
    name: 'cors: origin true and credentials reflects the page',
    server: 'cors-reflect-credentials',
    credentials: true,
    allowed: true,
  },
  {
    name: "cors: the default '*' refuses credentials",
    server: 'cors-default',
    credentials: true,
    allowed: false,
  },
  { name: "cors: the default '*' without credentials", server: 'cors-default', allowed: true },
  {
    name: 'cors: the default answers a JSON PUT preflight',
    server: 'cors-default',
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    allowed: true,
  },
  {
    name: '@koa/cors: credentials and no origin reflects the page',
    server: 'koa-cors-credentials-no-origin',
    credentials: true,
    allowed: true,
  },
  {
    name: "@koa/cors: the default '*' refuses credentials",
    server: 'koa-cors-default',
    credentials: true,
    allowed: false,
  },
  {
    name: '@fastify/cors: a suffix RegExp that matches the page',
    server: 'fastify-cors-suffix',
    credentials: true,
    allowed: true,
  },
  {
    name: '@fastify/cors: a RegExp that does not match the page',
    server: 'fastify-cors-other',
    credentials: true,
    allowed: false,
  },
  { name: "hono/cors: the default '*'", server: 'hono-default', allowed: true },
  {
    name: "hono/cors: the default '*' refuses credentials",
    server: 'hono-default',
    credentials: true,
    allowed: false,
  },
  { name: 'hono/cors: another fixed origin', server: 'hono-other-origin', allowed: false },
  {
    name: 'hono/cors: a method outside allowMethods is still allowed (it lists PATCH)',
    server: 'hono-credentials',
    method: 'PATCH',
    credentials: true,
    allowed: true,
  },
  {
    name: 'hono/cors: a header outside allowHeaders',
    server: 'hono-credentials',
    method: 'GET',
    headers: { 'X-Other': '1' },
    credentials: true,
    allowed: false,
  },
  {
    name: 'two CORS layers: two Access-Control-Allow-Origin lines',
    server: 'two-layers',
    allowed: false,
  },
  { name: 'a redirected preflight', server: 'preflight-redirect', method: 'PUT', allowed: false },
  { name: 'a preflight answered 500', server: 'preflight-500', method: 'PUT', allowed: false },
  {
    name: "Access-Control-Allow-Credentials: True (not 'true')",
    server: 'credentials-capital-true',
    credentials: true,
    allowed: false,
  },
  {
    name: 'Access-Control-Allow-Origin with a trailing slash',
    server: 'origin-trailing-slash',
    allowed: false,
  },
  {
    name: "Access-Control-Allow-Methods: '*' is literal with credentials",
    server: 'methods-star',
    method: 'PUT',
    credentials: true,
    allowed: false,
  },
  {
    name: "Access-Control-Allow-Methods: '*' covers PUT without credentials",
    server: 'methods-star',
    method: 'PUT',
    allowed: true,
  },
  {
    name: 'upper-case PATCH against PATCH',
    server: 'methods-upper-case',
    method: 'PATCH',
    allowed: true,
  },
  {
    name: 'POST text/plain needs no preflight',
    server: 'no-preflight-support',
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    allowed: true,
  },
  {
    name: 'POST application/json needs a preflight',
    server: 'no-preflight-support',
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    allowed: false,
  },
  {
    name: 'Content-Language with a character outside the safelist needs a preflight',
    server: 'no-preflight-support',
    headers: { 'Content-Language': 'en (GB)' },
    allowed: false,
  },
  {
    name: 'an Accept value over 128 bytes needs a preflight',
    server: 'no-preflight-support',
    headers: { Accept: `text/html,${'a'.repeat(130)}` },
    allowed: false,
  },
  {
    name: 'Accept-Language within the safelist needs no preflight',
    server: 'no-preflight-support',
    headers: { 'Accept-Language': 'en-GB,en;q=0.9' },
    allowed: true,
  },
  {
    name: 'a same-origin redirect with CORS headers on both hops',
    server: 'same-origin-redirect',
    path: '/start',
    allowed: true,
  },
  {
    name: 'a cross-origin redirect sends Origin: null, which an echoing server allows',
    server: 'cross-origin-redirect',
    path: '/to-reflect',
    allowed: true,
  },
  {
    name: "a cross-origin redirect to a server that answers with the page's origin",
    server: 'cross-origin-redirect',
    path: '/to-fixed',
    allowed: false,
  },
  {
    name: "Access-Control-Allow-Headers: '*' is literal with credentials",
    server: 'headers-star',
    headers: { 'X-Foo': '1' },
    credentials: true,
    allowed: false,
  },
  {
    name: "Access-Control-Allow-Headers: '*' covers X-Foo without credentials",
    server: 'headers-star',
    headers: { 'X-Foo': '1' },
    allowed: true,
  },
  {
    name: 'an Access-Control-Allow-Methods that is not a token list',
    server: 'methods-unparsable',
    method: 'PUT',
    allowed: false,
  },
  {
    name: 'a preflight answer without Access-Control-Allow-Credentials',
    server: 'preflight-without-credentials',
    method: 'PUT',
    credentials: true,
    allowed: false,
  },
  {
    name: 'a Cookie header set by the page is dropped, so no preflight',
    server: 'no-preflight-support',
    headers: { Cookie: 'a=1' },
    allowed: true,
  },
];

beforeAll(async () => {
  browser = await launchChromium();
  pages = await startPageServer();
  PAGE = `http://localhost:${pages.port}`;
  const used = new Set<string>(SCENARIOS.map((scenario) => scenario.server));
  used.add('redirect-target-reflect');
  used.add('redirect-target-fixed');
  for (const name of used) servers.set(name, await SERVERS[name]!(PAGE));
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await Promise.all([...servers.values()].map((server) => server.close()));
});

interface BrowserOutcome {
  ok: boolean;
  body?: string;
  error?: string;
  console: string[];
}

/** A fresh browser context (empty preflight cache), the page, one fetch. */
async function inChromium(url: string, scenario: Scenario): Promise<BrowserOutcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    await page.goto(`${PAGE}/`);
    const result = await page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init);
          return { ok: true, body: await response.text() };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      },
      {
        url,
        init: {
          method: scenario.method ?? 'GET',
          headers: scenario.headers ?? {},
          credentials: scenario.credentials ? ('include' as const) : ('same-origin' as const),
          ...(scenario.method === 'POST' || scenario.method === 'PUT' ? { body: '{}' } : {}),
        },
      },
    );
    // Console messages arrive asynchronously; give a blocked fetch's line a moment.
    if (!result.ok)
      for (let i = 0; i < 20 && !console.some((line) => line.includes('CORS policy')); i++)
        await page.waitForTimeout(50);
    return { ...result, console };
  } finally {
    await context.close();
  }
}

function doctorFor(url: string, scenario: Scenario): Promise<Report> {
  return diagnose(
    {
      url,
      origin: PAGE,
      method: scenario.method ?? 'GET',
      headers: Object.entries(scenario.headers ?? {}),
      credentials: scenario.credentials ?? false,
    },
    { timeoutMs: 5000 },
  );
}

describe('the doctor agrees with Chromium', () => {
  it('runs at least 20 scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(SCENARIOS)('$name', async (scenario) => {
    const url = `${servers.get(scenario.server)!.base}${scenario.path ?? '/api'}`;
    const chromium = await inChromium(url, scenario);
    const report = await doctorFor(url, scenario);
    expect(report.probeError).toBeUndefined();
    // The scenario's expectation pins the case; the doctor must match Chromium on it.
    expect(
      chromium.ok,
      `Chromium: ${chromium.error ?? 'allowed'}; ${chromium.console.join(' | ')}`,
    ).toBe(scenario.allowed);
    expect(report.allowed).toBe(chromium.ok);
    if (!chromium.ok) {
      const blocked = report.findings.find((finding) => finding.severity === 'error');
      expect(blocked).toBeDefined();
      const line = chromium.console.find((text) =>
        text.includes('has been blocked by CORS policy'),
      );
      expect(line, chromium.console.join('\n')).toBeDefined();
      expect(blocked!.message).toBe(line);
    } else {
      expect(chromium.body).toBeTypeOf('string');
      expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    }
  });
});
