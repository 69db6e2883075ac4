/**
 * The README's first command: main.js serves the page, starts every API module it finds in
 * src/apis/, answers over real HTTP with the right CORS headers, and stops cleanly on Ctrl-C.
 * (What the browser makes of the page is checked by the browser suite.)
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const APIS_DIR = fileURLToPath(new URL('../src/apis/', import.meta.url));
const STRICT_ORIGIN = 'https://admin.example.com';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A real request; to 127.0.0.1 (where everything listens) with the URL's Host, no keep-alive. */
function request(url, { method = 'GET', headers = {} } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: target.port,
      path: target.pathname + target.search,
      method,
      headers: { host: target.host, ...headers },
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.end();
  });
}

describe('examples/playground main.js', () => {
  let child;
  let stdout = '';
  let stderr = '';
  let pageOrigin;
  let apis;
  let exited;

  beforeAll(async () => {
    const pagePort = await freePort();
    child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PAGE_PORT: String(pagePort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.stdout.setEncoding('utf8');
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('Ctrl-C to stop.')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`main.js exited (${code}) before it was ready:\n${stdout}\n${stderr}`)),
      );
    });
    pageOrigin = /^ {2}Page +(http:\/\/localhost:\d+)$/m.exec(stdout)?.[1];
    apis = [...stdout.matchAll(/^ {2}(\S.*?) {2,}(\S.*?) {3}\((src\/apis\/[^)]+)\)$/gm)].map(
      (match) => ({
        name: match[1],
        where: match[2],
        file: match[3],
      }),
    );
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints the page URL on PAGE_PORT and one URL per module in src/apis/, all started', () => {
    expect(pageOrigin).toMatch(/^http:\/\/localhost:\d+$/);
    const files = readdirSync(APIS_DIR)
      .filter((file) => file.endsWith('.js'))
      .map((file) => `src/apis/${file}`)
      .sort();
    expect(apis.map((api) => api.file).sort()).toEqual(files);
    expect(files).toContain('src/apis/node-http.js');
    expect(files).toContain('src/apis/express.js');
    expect(files).toContain('src/apis/hono.js');
    expect(files).toContain('src/apis/bun.js');
    for (const api of apis)
      expect(api.where, `${api.file}: ${api.where}`).toMatch(/^http:\/\/localhost:\d+$/);
  });

  it('serves the page, its script, the API list and the decisions, same-origin', async () => {
    const page = await request(`${pageOrigin}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('id="summary"');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();

    const script = await request(`${pageOrigin}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);

    const config = JSON.parse((await request(`${pageOrigin}/config.json`)).body);
    expect(config.pageOrigin).toBe(pageOrigin);
    expect(config.strictOrigin).toBe(STRICT_ORIGIN);
    expect(config.apis.map((api) => api.url)).toEqual(apis.map((api) => api.where));
    expect(config.apis.filter((api) => api.error)).toEqual([]);

    const decisions = JSON.parse((await request(`${pageOrigin}/decisions`)).body);
    expect(decisions).toMatchObject({ last: expect.any(Number), decisions: expect.any(Array) });
  });

  it('each API allows the page origin on GET /api/hello, with credentials', async () => {
    for (const api of apis) {
      const reply = await request(`${api.where}/api/hello`, { headers: { origin: pageOrigin } });
      expect(reply.status, api.file).toBe(200);
      expect(reply.headers['access-control-allow-origin'], api.file).toBe(pageOrigin);
      expect(reply.headers['access-control-allow-credentials'], api.file).toBe('true');
      expect(JSON.parse(reply.body), api.file).toMatchObject({ message: 'hello' });
    }
  });

  it('each API answers the preflight of PUT /api/items/42 with X-Custom', async () => {
    for (const api of apis) {
      const reply = await request(`${api.where}/api/items/42`, {
        method: 'OPTIONS',
        headers: {
          origin: pageOrigin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type,x-custom',
        },
      });
      expect(reply.status, api.file).toBe(204);
      expect(reply.headers['access-control-allow-origin'], api.file).toBe(pageOrigin);
      expect(reply.headers['access-control-allow-methods'], api.file).toBe('PUT');
      expect(reply.headers['access-control-allow-headers'], api.file).toBe('content-type,x-custom');
      expect(reply.headers['access-control-max-age'], api.file).toBe('600');
    }
  });

  it('each API refuses the page origin on /strict/hello, which only allows the strict origin', async () => {
    for (const api of apis) {
      const refused = await request(`${api.where}/strict/hello`, {
        headers: { origin: pageOrigin },
      });
      expect(refused.headers['access-control-allow-origin'], api.file).toBeUndefined();
      expect(refused.headers['access-control-allow-credentials'], api.file).toBeUndefined();
      const allowed = await request(`${api.where}/strict/hello`, {
        headers: { origin: STRICT_ORIGIN },
      });
      expect(allowed.status, api.file).toBe(200);
      expect(allowed.headers['access-control-allow-origin'], api.file).toBe(STRICT_ORIGIN);
    }
  });

  it('collects every API decision through log, with its reason', async () => {
    const { decisions } = JSON.parse((await request(`${pageOrigin}/decisions`)).body);
    const config = JSON.parse((await request(`${pageOrigin}/config.json`)).body);
    for (const api of config.apis) {
      const mine = decisions.filter((entry) => entry.api === api.id);
      const strict = mine.find((entry) => entry.url === '/strict/hello' && !entry.allowed);
      expect(strict, api.id).toMatchObject({
        method: 'GET',
        kind: 'actual',
        reason: 'origin-not-allowed',
        headers: {},
      });
      const preflight = mine.find(
        (entry) => entry.method === 'OPTIONS' && entry.url === '/api/items/42',
      );
      expect(preflight, api.id).toMatchObject({
        kind: 'preflight',
        allowed: true,
        reason: 'allowed',
        status: 204,
      });
    }
  });

  it('stops on SIGINT: closes every server and exits 0', async () => {
    child.kill('SIGINT');
    const { code } = await exited;
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('Stopped.');
    await expect(request(`${pageOrigin}/`)).rejects.toThrow();
  });
});
