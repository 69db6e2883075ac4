// Figure (b), the parent side: start a server child, check its answer over real HTTP, and load it
// with autocannon (in this process) while the child measures its own CPU time.
import { fork } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';

/** Room for S7's 1 MiB request header, and for the peers that echo it in the response. */
export const LARGE_HEADER_BYTES = 4 << 20;

// autocannon parses responses with http-parser-js, whose header limit is 80 KiB: raise it so a
// peer that reflects S7's header is measured rather than disconnected.
const requireFromAutocannon = createRequire(createRequire(import.meta.url).resolve('autocannon'));
requireFromAutocannon('http-parser-js').HTTPParser.maxHeaderSize = LARGE_HEADER_BYTES;

const SERVER = new URL('./server.js', import.meta.url);

/** Sends `message` to the child and resolves with its next message of type `type`. */
function ask(child, message, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (reply.type !== type) return;
      cleanup();
      resolve(reply);
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`server exited (${code}) while waiting for ${type}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    if (message !== null) child.send(message);
  });
}

/**
 * Forks a server. Resolves with `{ port, child }`, or rejects with an error whose `missing` is true
 * when our adapter could not be loaded.
 */
export async function startServer(frameworkId, kind, policyId, { largeHeaders = false } = {}) {
  const execArgv = largeHeaders ? [`--max-http-header-size=${LARGE_HEADER_BYTES}`] : [];
  const child = fork(SERVER, [frameworkId, kind, policyId], { execArgv, stdio: 'inherit' });
  const ready = await Promise.race([
    ask(child, null, 'ready'),
    ask(child, null, 'error').then((failure) => {
      throw Object.assign(new Error(failure.message), { missing: failure.missing });
    }),
  ]);
  return { port: ready.port, child };
}

export async function stopServer({ child }) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'exit' });
  await exited;
}

/** One real request; resolves with the response as the checks see it. */
export function requestOnce(port, { method, headers }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: '/', headers, maxHeaderSize: LARGE_HEADER_BYTES },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, routeRan: body === 'ok' }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Loads the server with `load` ({ connections, duration } or { connections, amount }). */
async function fire(port, { method, headers }, load) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    method,
    headers,
    connections: load.connections,
    pipelining: load.pipelining ?? 1,
    // autocannon checks whether to stop once per `sampleInt` ms (1 s by default).
    sampleInt: 25,
    ...(load.amount ? { amount: load.amount } : { duration: load.duration }),
  });
  return { errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/** Unmeasured load, so that the server's code is optimised before it is timed. */
export async function warmUp(server, request, load) {
  await fire(server.port, request, load);
}

/** One measured sample: the server's CPU time (ns) per request it served during the load. */
export async function measureOnce(server, request, load) {
  await ask(server.child, { type: 'start' }, 'started');
  const { errors } = await fire(server.port, request, load);
  const { cpuMicros, requests } = await ask(server.child, { type: 'stop' }, 'stopped');
  return { ns: (cpuMicros * 1000) / Math.max(requests, 1), requests, errors };
}
