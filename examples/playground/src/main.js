/**
 * The CORS playground: serves one page on http://localhost:5173 (env PAGE_PORT) and starts every
 * API module in ./apis/ on its own port, so that the page's calls to them are cross-origin. The
 * APIs report their decisions through `log`; the page reads them from GET /decisions.
 *
 * Plain Node, no build step: `node src/main.js` (or `npm run start -w @cors/playground`).
 */
import http from 'node:http';
import { CALLS, callUrl } from './calls.js';
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';
const PAGE_PORT = Number(process.env.PAGE_PORT ?? 5173);
const STRICT_ORIGIN = 'https://admin.example.com';
const APIS_DIR = fileURLToPath(new URL('./apis/', import.meta.url));
const PAGE_DIR = new URL('./page/', import.meta.url);
/** The table's order; modules not listed come after, by name. */
const ORDER = [
  'node-http',
  'express',
  'fastify',
  'koa',
  'nest-express',
  'nest-fastify',
  'hono',
  'bun',
];
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_DECISIONS = 2_000;
/** Slows GET /decisions down (tests: the page must not show a decision twice however slow it is). */
const DECISIONS_DELAY_MS = Number(process.env.DECISIONS_DELAY_MS ?? 0);

/** Decisions reported by the APIs, oldest first, each with a sequence number the page polls after. */
const decisions = [];
let lastSeq = 0;

function record(api, decision, method, url) {
  decisions.push({
    seq: ++lastSeq,
    api: api.id,
    adapter: api.name,
    method,
    url,
    kind: decision.kind,
    allowed: decision.allowed,
    reason: decision.reason,
    message: decision.message ?? null,
    headers: { ...decision.headers },
    vary: decision.vary,
    end: decision.end,
    status: decision.status ?? null,
    at: Date.now(),
  });
  if (decisions.length > MAX_DECISIONS) decisions.splice(0, decisions.length - MAX_DECISIONS);
}

async function discoverApis() {
  const files = (await readdir(APIS_DIR)).filter((file) => file.endsWith('.js'));
  const rank = (id) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return files
    .map((file) => ({
      id: basename(file, '.js'),
      file: `src/apis/${file}`,
      path: `${APIS_DIR}${file}`,
    }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Imports and starts one API module; a failure is reported on the page, not fatal. */
async function startApi(api, pageOrigin) {
  try {
    const module = await import(pathToFileURL(api.path).href);
    const definition = module.default;
    if (!definition || typeof definition.start !== 'function') {
      throw new Error('does not export default { name, start({ pageOrigin, log }) }');
    }
    api.name = String(definition.name ?? api.id);
    const started = await withTimeout(
      definition.start({
        pageOrigin,
        log: (decision, method, url) => record(api, decision, method, url),
      }),
      START_TIMEOUT_MS,
      'start()',
    );
    api.url = started.url;
    api.close = started.close;
    api.configError = await misconfigure(definition);
  } catch (error) {
    api.name ??= api.id;
    api.error = error instanceof Error ? error.message : String(error);
  }
  return api;
}

/**
 * What the module does with options every adapter must refuse (`misconfigure()`): the error it
 * threw at start-up, or `thrown: false`.
 */
async function misconfigure(definition) {
  if (typeof definition.misconfigure !== 'function') return { thrown: false, missing: true };
  try {
    await definition.misconfigure();
    return { thrown: false };
  } catch (error) {
    const issues = Array.isArray(error?.issues) ? error.issues : [];
    return {
      thrown: true,
      name: error?.name ?? 'Error',
      codes: issues.map((issue) => issue.code),
      message: String(error?.message ?? error)
        .split('\n')
        .slice(0, 2)
        .join(' '),
    };
  }
}

/** One request as a browser would send it (to 127.0.0.1, with the URL's Host); CORS headers out. */
function wireRequest(url, method, headers, body) {
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
      res.resume();
      res.on('end', () => {
        const cors = {};
        for (const name of Object.keys(res.headers).sort()) {
          if (name.startsWith('access-control-') || name === 'vary') cors[name] = res.headers[name];
        }
        resolve({ method, status: res.statusCode, headers: cors });
      });
    });
    req.end(body);
  });
}

const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * Replays a call against an API over HTTP, as the browser sends it: the preflight first when the
 * call needs one, then the request itself if the preflight granted it. Returns each step's status
 * and CORS headers (`Access-Control-*` and `Vary`): the adapter's answer on the wire.
 */
async function replay(api, call, pageOrigin) {
  const url = callUrl(api.url, call, 'replay');
  const headers = call.headers ?? {};
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  const steps = [];
  if (!SIMPLE_METHODS.has(call.method) || names.length > 0) {
    const preflight = await wireRequest(url, 'OPTIONS', {
      origin: pageOrigin,
      'access-control-request-method': call.method,
      ...(names.length > 0 ? { 'access-control-request-headers': names.sort().join(',') } : {}),
    });
    steps.push(preflight);
    const list = (value) =>
      String(value ?? '')
        .toLowerCase()
        .split(/\s*,\s*/);
    const granted =
      preflight.status >= 200 &&
      preflight.status < 300 &&
      preflight.headers['access-control-allow-origin'] === pageOrigin &&
      (SIMPLE_METHODS.has(call.method) ||
        list(preflight.headers['access-control-allow-methods']).includes(
          call.method.toLowerCase(),
        )) &&
      names.every((name) => list(preflight.headers['access-control-allow-headers']).includes(name));
    if (!granted) return steps;
  }
  steps.push(await wireRequest(url, call.method, { origin: pageOrigin, ...headers }, call.body));
  return steps;
}

async function servePage(req, res, state) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('cache-control', 'no-store');
  const send = (status, type, body) => {
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.end(body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(405, 'text/plain', 'method not allowed');
  if (url.pathname === '/' || url.pathname === '/index.html') {
    return send(200, 'text/html; charset=utf-8', await readFile(new URL('index.html', PAGE_DIR)));
  }
  if (url.pathname === '/app.js') {
    return send(200, 'text/javascript; charset=utf-8', await readFile(new URL('app.js', PAGE_DIR)));
  }
  if (url.pathname === '/calls.js') {
    return send(
      200,
      'text/javascript; charset=utf-8',
      await readFile(new URL('calls.js', import.meta.url)),
    );
  }
  if (url.pathname === '/replay') {
    // Every call against every API, one API at a time: what each adapter answers on the wire.
    const answers = {};
    for (const api of state.apis.filter((each) => each.error === undefined)) {
      answers[api.id] = {};
      for (const call of CALLS)
        answers[api.id][call.id] = await replay(api, call, state.pageOrigin);
    }
    return send(200, 'application/json', JSON.stringify(answers));
  }
  if (url.pathname === '/config.json') {
    const apis = state.apis.map(({ id, name, url: apiUrl, error, configError }) => ({
      id,
      name,
      url: apiUrl,
      error,
      configError,
    }));
    return send(
      200,
      'application/json',
      JSON.stringify({ pageOrigin: state.pageOrigin, strictOrigin: STRICT_ORIGIN, apis }),
    );
  }
  if (url.pathname === '/decisions') {
    if (DECISIONS_DELAY_MS > 0)
      await new Promise((resolve) => setTimeout(resolve, DECISIONS_DELAY_MS));
    const after = Number(url.searchParams.get('after') ?? 0) || 0;
    return send(
      200,
      'application/json',
      JSON.stringify({ last: lastSeq, decisions: decisions.filter((entry) => entry.seq > after) }),
    );
  }
  return send(404, 'text/plain', 'not found');
}

async function main() {
  const state = { pageOrigin: '', apis: [] };
  const pageServer = http.createServer((req, res) => {
    servePage(req, res, state).catch((error) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(String(error));
    });
  });
  try {
    await new Promise((resolve, reject) => {
      pageServer.once('error', reject);
      pageServer.listen(PAGE_PORT, HOST, resolve);
    });
  } catch (error) {
    console.error(`Cannot serve the page on port ${PAGE_PORT}: ${error.message}`);
    console.error(
      'Set PAGE_PORT to a free port, e.g. PAGE_PORT=5174 npm run start -w @cors/playground',
    );
    process.exit(1);
  }
  // PAGE_PORT=0 picks a free port; the page's origin (what the APIs allow) follows it.
  state.pageOrigin = `http://localhost:${pageServer.address().port}`;

  const found = await discoverApis();
  state.apis = await Promise.all(found.map((api) => startApi(api, state.pageOrigin)));

  const width = Math.max(4, ...state.apis.map((api) => api.name.length)) + 2;
  const lines = [
    '',
    'CORS playground: one page, one API per adapter, and what the browser allowed.',
    '',
  ];
  lines.push(`  ${'Page'.padEnd(width)}${state.pageOrigin}`, '');
  for (const api of state.apis) {
    const where = api.error === undefined ? api.url : `failed to start: ${api.error}`;
    lines.push(`  ${api.name.padEnd(width)}${where}   (${api.file})`);
  }
  if (state.apis.length === 0) lines.push('  (no API module in src/apis/)');
  lines.push('', `Open ${state.pageOrigin} in a browser. Ctrl-C to stop.`);
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) {
      console.log(`\n${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    const closing = state.apis
      .filter((api) => typeof api.close === 'function')
      .map((api) =>
        withTimeout(
          Promise.resolve().then(() => api.close()),
          STOP_TIMEOUT_MS,
          `${api.name} close()`,
        ),
      );
    closing.push(
      new Promise((resolve) => {
        pageServer.closeAllConnections();
        pageServer.close(() => resolve());
      }),
    );
    const results = await Promise.allSettled(closing);
    const failures = results.filter((result) => result.status === 'rejected');
    for (const failure of failures) console.error(`  ${failure.reason?.message ?? failure.reason}`);
    console.log(
      failures.length === 0 ? 'Stopped.' : 'Stopped, but not every server closed cleanly.',
    );
    process.exit(failures.length === 0 ? 0 : 1);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
