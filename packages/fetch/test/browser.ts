/**
 * What a real browser allows, through a Fetch-style API on Node: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), launched as packages/conformance does. Host names
 * under example.com resolve to loopback inside the browser, so a page on
 * http://app.example.com:<port> and an API on http://api.example.com:<port> are different origins
 * of the same site. Shared with @cors/hono's tests.
 */
import { existsSync } from 'node:fs';
import type { CorsOptions } from '@cors/core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen } from './http.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package: apt-get install -y chromium (CI's .ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP *.example.com 127.0.0.1, MAP example.com 127.0.0.1',
    ],
  });
}

interface FetchResult {
  ok: boolean;
  status?: number;
  body?: string;
  error?: string;
}

/** Runs fetch in the page and reports what the browser let the page see. */
function pageFetch(page: Page, url: string, init: RequestInit = {}): Promise<FetchResult> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, init);
        return { ok: true, status: response.status, body: await response.text() };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    },
    { url, init },
  );
}

/** A running API: its port, the requests that reached its routes, and how to stop it. */
export interface BrowserApi {
  port: number;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

/**
 * The routes every API under test serves, after CORS: `GET /api/hello` (`{"message":"hello"}`),
 * `PUT /api/items` (`{"updated":true}`), `POST /api/login` (`204`, sets the cookie
 * `session=<name>; SameSite=Lax; HttpOnly; Path=/`) and `GET /api/me` (`{"session": <cookie>}`).
 */
export function browserSuite(
  name: string,
  start: (options: CorsOptions) => Promise<BrowserApi>,
): void {
  describe(`${name} in Chromium`, () => {
    let browser: Browser;
    let pagePort: number;
    let closePages: () => Promise<void>;
    let api: BrowserApi;
    let appOrigin: string;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      browser = await launchChromium();
      const pages = await listen((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end('<!doctype html><title>cors test page</title><body>page</body>');
      });
      pagePort = pages.port;
      closePages = () => close(pages.server);
      appOrigin = `http://app.example.com:${pagePort}`;
      api = await start({
        origin: [appOrigin],
        credentials: true,
        // The test pages are plain http on example.com names that resolve to loopback.
        dangerouslyAllowInsecureOrigins: true,
        methods: ['GET', 'PUT'],
        allowedHeaders: ['Content-Type', 'X-Custom'],
        maxAge: 0,
      });
    });

    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close()));
      await browser?.close();
      await closePages?.();
      await api?.close();
    });

    /** A fresh profile per test: no cookies, an empty preflight cache. */
    async function from(host: string): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`http://${host}:${pagePort}/`);
      return page;
    }
    const url = (path: string) => `http://api.example.com:${api.port}${path}`;
    const count = (method: string, path: string) =>
      api.requests.filter((r) => r.method === method && r.path === path).length;

    it('lets an allowed origin read a simple GET', async () => {
      const page = await from('app.example.com');
      const result = await pageFetch(page, url('/api/hello'));
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse(result.body!)).toEqual({ message: 'hello' });
    });

    it('blocks a refused origin from reading the response (the request still reaches the route)', async () => {
      const page = await from('evil.example.com');
      const before = count('GET', '/api/hello');
      const result = await pageFetch(page, url('/api/hello'));
      expect(result.ok).toBe(false);
      expect(count('GET', '/api/hello')).toBe(before + 1);
    });

    it('allows a preflighted PUT with a listed custom header, and the route runs once', async () => {
      const page = await from('app.example.com');
      const before = count('PUT', '/api/items');
      const result = await pageFetch(page, url('/api/items'), {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-custom': '1' },
        body: '{}',
      });
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse(result.body!)).toEqual({ updated: true });
      expect(count('PUT', '/api/items')).toBe(before + 1);
      // The preflight was answered by CORS, never by a route.
      expect(count('OPTIONS', '/api/items')).toBe(0);
    });

    it('blocks a preflighted request with a header not listed: the route never runs', async () => {
      const page = await from('app.example.com');
      const before = count('PUT', '/api/items');
      const result = await pageFetch(page, url('/api/items'), {
        method: 'PUT',
        headers: { 'x-other': '1' },
      });
      expect(result.ok).toBe(false);
      expect(count('PUT', '/api/items')).toBe(before);
    });

    it('carries the cookie on a credentialed fetch and lets the page read the answer', async () => {
      const page = await from('app.example.com');
      const login = await pageFetch(page, url('/api/login'), {
        method: 'POST',
        credentials: 'include',
      });
      expect(login).toMatchObject({ ok: true, status: 204 });
      const me = await pageFetch(page, url('/api/me'), { credentials: 'include' });
      expect(me.ok).toBe(true);
      expect(JSON.parse(me.body!)).toEqual({ session: name });
    });
  });
}
