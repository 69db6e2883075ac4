// What does a real Chromium send on the requests that cross-origin protection judges? Starts an API
// server and a page server on loopback, drives Debian's Chromium (playwright-core, never a
// downloaded browser) through the cases docs/csrf.md relies on, and prints, per case, the method,
// path and the Host, Origin and Sec-Fetch-Site headers the API received.
//
//   node scripts/observe-fetch-metadata.mjs
//
// Each request is then decided by @cors/core's cross-origin protection (build it first:
// `npx turbo run build --filter=@cors/core`), and the script exits non-zero when a decision differs
// from the reason the CSRF vector table (packages/core/test/csrf-vectors.json) gives such a request.
//
// Sites: pages on http://localhost:<page> (a secure context: loopback) and on
// http://app.example.com:<page> (plain http, not loopback: not a secure context; the name is mapped
// to 127.0.0.1 inside the browser), the API on http://127.0.0.1:<api> and http://api.example.com:<api>.
import http from 'node:http';
import { createRequire } from 'node:module';
import { createCrossOriginProtection, crossOriginRequestFromHeaderRecord } from '@cors/core';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const seen = [];
function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })),
  );
}

const api = await listen((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (req.url !== '/favicon.ico') {
      seen.push({
        label: currentLabel,
        method: req.method,
        path: req.url,
        host: req.headers.host,
        origin: req.headers.origin ?? null,
        secFetchSite: req.headers['sec-fetch-site'] ?? null,
        secFetchMode: req.headers['sec-fetch-mode'] ?? null,
        contentType: req.headers['content-type'] ?? null,
        cookie: req.headers.cookie ?? null,
        headers: req.headers,
      });
    }
    if (req.url === '/login') {
      res.setHeader('set-cookie', 'sid=1; Path=/; SameSite=None; Secure');
    }
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>api</title><body>api ${req.method} ${req.url}</body>`);
  });
});
const pages = await listen((_req, res) => {
  res.setHeader('content-type', 'text/html');
  res.end('<!doctype html><title>page</title><body>page</body>');
});

let currentLabel = '';
// What the table says each observed request gets, with the default options.
const expected = new Map([
  ['top-level navigation GET (address bar)', 'safe-method'],
  ['same-origin fetch POST text/plain', 'same-origin'],
  ['same-origin form POST', 'same-origin'],
  ['cross-site form POST (localhost page -> 127.0.0.1 API)', 'cross-site'],
  ['cross-site fetch POST text/plain, credentials: include', 'cross-site'],
  ['cross-site link navigation GET', 'safe-method'],
  ['sandboxed iframe form POST (opaque origin)', 'cross-site'],
  ['plain-http same-site form POST (app.example.com -> api.example.com)', 'origin-mismatch'],
  ['plain-http same-origin fetch POST (api.example.com -> itself)', 'origin-matches-host'],
]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--host-resolver-rules=MAP *.example.com 127.0.0.1',
  ],
});
const page = await browser.newPage();
const apiLoopback = `http://127.0.0.1:${api.port}`;
const apiNamed = `http://api.example.com:${api.port}`;

async function step(label, run) {
  currentLabel = label;
  const before = seen.length;
  await run();
  for (let i = 0; i < 50 && seen.length === before; i++)
    await new Promise((r) => setTimeout(r, 20));
}

function submitForm(action, enctype) {
  return page.evaluate(
    ({ action, enctype }) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = action;
      form.enctype = enctype;
      const input = document.createElement('input');
      input.name = 'amount';
      input.value = '100';
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { action, enctype },
  );
}

// Set a cookie on the API (Secure is allowed on http://127.0.0.1: loopback is potentially trustworthy).
await page.goto(`${apiLoopback}/login`);

await step('top-level navigation GET (address bar)', () => page.goto(`${apiLoopback}/nav`));
await step('same-origin fetch POST text/plain', () =>
  page.evaluate(
    (url) => fetch(url, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }),
    `${apiLoopback}/same-origin-fetch`,
  ),
);
await step('same-origin form POST', async () => {
  await submitForm(`${apiLoopback}/same-origin-form`, 'application/x-www-form-urlencoded');
  await page.waitForURL('**/same-origin-form');
});

await page.goto(`http://localhost:${pages.port}/`);
await step('cross-site form POST (localhost page -> 127.0.0.1 API)', async () => {
  await submitForm(`${apiLoopback}/cross-site-form`, 'application/x-www-form-urlencoded');
  await page.waitForURL('**/cross-site-form');
});
await page.goto(`http://localhost:${pages.port}/`);
await step('cross-site fetch POST text/plain, credentials: include', () =>
  page.evaluate(
    (url) =>
      fetch(url, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      }).catch(() => null),
    `${apiLoopback}/cross-site-fetch`,
  ),
);
await step('cross-site link navigation GET', async () => {
  await page.evaluate((url) => {
    const a = document.createElement('a');
    a.href = url;
    a.textContent = 'go';
    document.body.append(a);
    a.click();
  }, `${apiLoopback}/cross-site-link`);
  await page.waitForURL('**/cross-site-link');
});
await page.goto(`http://localhost:${pages.port}/`);
await step('sandboxed iframe form POST (opaque origin)', () =>
  page.evaluate((url) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-forms allow-scripts');
    frame.srcdoc = `<form method=POST action="${url}"><input name=a value=1></form><script>document.forms[0].submit()</script>`;
    document.body.append(frame);
  }, `${apiLoopback}/sandboxed-form`),
);

await page.goto(`http://app.example.com:${pages.port}/`);
await step('plain-http same-site form POST (app.example.com -> api.example.com)', async () => {
  await submitForm(`${apiNamed}/plain-http-form`, 'application/x-www-form-urlencoded');
  await page.waitForURL('**/plain-http-form');
});
await step('plain-http same-origin fetch POST (api.example.com -> itself)', () =>
  page.evaluate(
    (url) => fetch(url, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }),
    `${apiNamed}/plain-http-same-origin`,
  ),
);

await browser.close();
api.server.close();
pages.server.close();
console.log(`Chromium ${browser.version()}, API on 127.0.0.1:${api.port}, pages on :${pages.port}`);
const protection = createCrossOriginProtection();
let mismatches = 0;
for (const { headers, ...row } of seen) {
  if (row.label === '') continue; // the cookie-setting visit
  const decision = protection.check(
    crossOriginRequestFromHeaderRecord(row.method, row.path, headers, '127.0.0.1'),
  );
  const want = expected.get(row.label);
  if (decision.reason !== want) mismatches++;
  console.log(
    JSON.stringify({
      ...row,
      decision: decision.reason,
      expected: want,
      allowed: decision.allowed,
    }),
  );
}
const missing = [...expected.keys()].filter((label) => !seen.some((row) => row.label === label));
for (const label of missing) console.log(`not observed: ${label}`);
if (mismatches > 0 || missing.length > 0) process.exitCode = 1;
