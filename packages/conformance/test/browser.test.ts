/**
 * What a real browser allows: Debian's Chromium calls each adapter's API from pages on other
 * origins. Every assertion is about what the page could read and what reached the server.
 */
import type { CorsOptions } from '@cors/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../src/apps/index.js';
import { launchChromium, pageFetch, sandboxedFetch, startPageServer } from '../src/browser.js';

let browser: Browser;
let pages: Awaited<ReturnType<typeof startPageServer>>;
let APP_ORIGIN: string;
let EVIL_ORIGIN: string;

beforeAll(async () => {
  browser = await launchChromium();
  pages = await startPageServer();
  APP_ORIGIN = `http://app.example.com:${pages.port}`;
  EVIL_ORIGIN = `http://evil.example.com:${pages.port}`;
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

/** A fresh profile per test: no cookies, an empty preflight cache. */
async function openPage(
  origin: string,
): Promise<{ page: Page; context: BrowserContext; console: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  await page.goto(`${origin}/`);
  return { page, context, console };
}

const count = (app: RunningApp, method: string, path: string) =>
  app.requests.filter((r) => r.method === method && r.url.split('?')[0] === path).length;

describe.each(adapterApps)('$name in Chromium', (adapter) => {
  let main: RunningApp;
  let open: RunningApp;
  let nullListed: RunningApp;
  const api = (app: RunningApp, path: string) => `http://api.example.com:${app.port}${path}`;
  let opened: BrowserContext[] = [];

  beforeAll(async () => {
    const mainPolicy: CorsOptions = {
      origin: [APP_ORIGIN],
      credentials: true,
      // The test pages are plain http on example.com names that resolve to loopback.
      dangerouslyAllowInsecureOrigins: true,
      methods: ['GET', 'PUT'],
      allowedHeaders: ['Content-Type', 'X-Custom'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    };
    main = await adapter.start({ policy: mainPolicy });
    open = await adapter.start({
      policy: {
        origin: [APP_ORIGIN],
        methods: ['GET', 'PUT'],
        allowedHeaders: ['X-Custom'],
        maxAge: 0,
      },
    });
    nullListed = await adapter.start({ policy: { origin: ['null'] } });
  });

  afterAll(async () => {
    await Promise.all(opened.map((context) => context.close()));
    opened = [];
    await Promise.all([main?.close(), open?.close(), nullListed?.close()]);
  });

  async function from(origin: string) {
    const opening = await openPage(origin);
    opened.push(opening.context);
    return opening;
  }

  it('lets an allowed origin read a simple GET', async () => {
    const { page } = await from(APP_ORIGIN);
    const result = await pageFetch(page, api(main, '/api/hello'));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(result.body!).message).toBe('hello');
  });

  it('blocks another origin from reading the response (the simple request still reaches the server)', async () => {
    const { page, console } = await from(EVIL_ORIGIN);
    const before = count(main, 'GET', '/api/hello');
    const result = await pageFetch(page, api(main, '/api/hello'));
    expect(result.ok).toBe(false);
    expect(count(main, 'GET', '/api/hello')).toBe(before + 1);
    expect(console.join('\n')).toContain("No 'Access-Control-Allow-Origin' header is present");
  });

  it('carries the cookie on a credentialed fetch', async () => {
    const { page } = await from(APP_ORIGIN);
    expect(
      await pageFetch(page, api(main, '/api/login'), { method: 'POST', credentials: 'include' }),
    ).toMatchObject({ ok: true, status: 204 });
    const me = await pageFetch(page, api(main, '/api/me'), { credentials: 'include' });
    expect(me.ok).toBe(true);
    expect(JSON.parse(me.body!).session).toBe(adapter.name);
  });

  it('blocks a credentialed fetch when credentials are off', async () => {
    const { page } = await from(APP_ORIGIN);
    const result = await pageFetch(page, api(open, '/api/me'), { credentials: 'include' });
    expect(result.ok).toBe(false);
    // Without credentials the same call is readable.
    expect((await pageFetch(page, api(open, '/api/me'))).ok).toBe(true);
  });

  it('allows a preflighted PUT with a listed custom header', async () => {
    const { page } = await from(APP_ORIGIN);
    const result = await pageFetch(page, api(main, '/api/items/42'), {
      method: 'PUT',
      headers: { 'X-Custom': 'demo', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(result.body!)).toMatchObject({ method: 'PUT', custom: 'demo' });
    expect(count(main, 'OPTIONS', '/api/items/42')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a preflighted DELETE: the route never runs and the console names the method', async () => {
    const { page, console } = await from(APP_ORIGIN);
    const before = count(main, 'DELETE', '/api/items/42');
    const preflights = count(main, 'OPTIONS', '/api/items/42');
    const result = await pageFetch(page, api(main, '/api/items/42'), { method: 'DELETE' });
    expect(result.ok).toBe(false);
    expect(count(main, 'OPTIONS', '/api/items/42')).toBe(preflights + 1);
    expect(count(main, 'DELETE', '/api/items/42')).toBe(before);
    expect(console.join('\n')).toContain(
      'Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response',
    );
  });

  it('refuses an unlisted request header and the console names it', async () => {
    const { page, console } = await from(APP_ORIGIN);
    const result = await pageFetch(page, api(main, '/api/items/42'), {
      method: 'PUT',
      headers: { 'X-Other': '1' },
    });
    expect(result.ok).toBe(false);
    expect(console.join('\n')).toContain(
      'Request header field x-other is not allowed by Access-Control-Allow-Headers in preflight response',
    );
  });

  it('refuses a preflight from a disallowed origin and the route never runs', async () => {
    const { page, console } = await from(EVIL_ORIGIN);
    const before = count(main, 'PUT', '/api/items/42');
    const result = await pageFetch(page, api(main, '/api/items/42'), {
      method: 'PUT',
      headers: { 'X-Custom': '1' },
    });
    expect(result.ok).toBe(false);
    expect(count(main, 'PUT', '/api/items/42')).toBe(before);
    expect(console.join('\n')).toContain("No 'Access-Control-Allow-Origin' header is present");
  });

  it('lets the page read exposed headers and only those', async () => {
    const { page } = await from(APP_ORIGIN);
    const result = await pageFetch(page, api(main, '/api/exposed'), {}, [
      'x-request-id',
      'x-hidden',
    ]);
    expect(result.headers).toEqual({ 'x-request-id': '42', 'x-hidden': null });
  });

  it('caches a preflight for maxAge: a second PUT sends no second preflight', async () => {
    const { page } = await from(APP_ORIGIN);
    const put = () =>
      pageFetch(page, api(main, '/api/items/42?cache'), {
        method: 'PUT',
        headers: { 'X-Custom': '1' },
      });
    const before = count(main, 'OPTIONS', '/api/items/42');
    expect((await put()).ok).toBe(true);
    expect((await put()).ok).toBe(true);
    expect(count(main, 'OPTIONS', '/api/items/42')).toBe(before + 1);
  });

  it('sends maxAge 0, so every PUT is preflighted again', async () => {
    const { page } = await from(APP_ORIGIN);
    const put = () =>
      pageFetch(page, api(open, '/api/items/42?nocache'), {
        method: 'PUT',
        headers: { 'X-Custom': '1' },
      });
    const before = count(open, 'OPTIONS', '/api/items/42');
    expect((await put()).ok).toBe(true);
    expect((await put()).ok).toBe(true);
    expect(count(open, 'OPTIONS', '/api/items/42')).toBe(before + 2);
  });

  it("blocks the null origin of a sandboxed iframe unless 'null' is listed", async () => {
    const { page } = await from(APP_ORIGIN);
    expect((await sandboxedFetch(page, api(main, '/api/hello'))).ok).toBe(false);
    expect(await sandboxedFetch(page, api(nullListed, '/api/hello'))).toMatchObject({
      ok: true,
      status: 200,
    });
  });

  it('lets the page read 404 and 500 responses', async () => {
    const { page } = await from(APP_ORIGIN);
    expect(await pageFetch(page, api(main, '/api/missing'))).toMatchObject({
      ok: true,
      status: 404,
    });
    expect(await pageFetch(page, api(main, '/api/boom'))).toMatchObject({ ok: true, status: 500 });
  });

  it('applies the stricter per-route policy to actual requests and to their preflights', async () => {
    const { page } = await from(APP_ORIGIN);
    expect((await pageFetch(page, api(main, '/strict/hello'))).ok).toBe(false);
    const before = count(main, 'PUT', '/strict/hello');
    const result = await pageFetch(page, api(main, '/strict/hello'), {
      method: 'PUT',
      headers: { 'X-Custom': '1' },
    });
    expect(result.ok).toBe(false);
    expect(count(main, 'OPTIONS', '/strict/hello')).toBeGreaterThanOrEqual(1);
    expect(count(main, 'PUT', '/strict/hello')).toBe(before);
  });
});
