/**
 * Debian's Chromium driven by playwright-core — never a downloaded browser. Host names under
 * example.com resolve to loopback inside the browser, so a page on http://app.example.com:<port>
 * and an API on http://api.example.com:<port> are different origins of the same site (cookies with
 * SameSite=Lax flow, as they would between app.example.com and api.example.com in production).
 */
import { existsSync } from 'node:fs';
import http, { type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeServer, listen } from './apps/server.js';

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

/** A server for the pages: every host name gets the same blank page, so the host picks the origin. */
export async function startPageServer(): Promise<{
  server: Server;
  port: number;
  close: () => Promise<void>;
}> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>cors test page</title><body>page</body>');
  });
  const port = await listen(server);
  return { server, port, close: () => closeServer(server) };
}

export interface FetchResult {
  ok: boolean;
  status?: number;
  body?: string;
  headers?: Record<string, string | null>;
  error?: string;
}

/** Runs fetch in the page and reports what the browser let the page see. */
export function pageFetch(
  page: Page,
  url: string,
  init: RequestInit = {},
  read: string[] = [],
): Promise<FetchResult> {
  return page.evaluate(
    async ({ url, init, read }) => {
      try {
        const response = await fetch(url, init);
        const headers: Record<string, string | null> = {};
        for (const name of read) headers[name] = response.headers.get(name);
        return { ok: true, status: response.status, body: await response.text(), headers };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    },
    { url, init, read },
  );
}

/** Runs fetch from a sandboxed iframe, whose origin is opaque: the request carries Origin: null. */
export function sandboxedFetch(page: Page, url: string): Promise<FetchResult> {
  return page.evaluate(
    (url) =>
      new Promise<FetchResult>((resolve) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', 'allow-scripts');
        frame.srcdoc = `<script>
          fetch(${JSON.stringify(url)}).then(
            async (r) => parent.postMessage({ ok: true, status: r.status, body: await r.text() }, '*'),
            (e) => parent.postMessage({ ok: false, error: String(e) }, '*'));
        </script>`;
        window.addEventListener('message', (event) => resolve(event.data as FetchResult), {
          once: true,
        });
        document.body.append(frame);
      }),
    url,
  );
}
