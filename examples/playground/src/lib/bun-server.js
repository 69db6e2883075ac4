/* global Bun, Response */
/**
 * The playground API on Bun: `Bun.serve` with handlers wrapped by `withCors` from @cors/fetch, the
 * main policy for everything but `/strict/*`, which has its own. Run by Bun, not Node, as a child
 * of src/apis/bun.js (it lives here, not in src/apis/, because main.js imports every file there):
 *
 *   bun src/lib/bun-server.js <pageOrigin>
 *
 * Its stdout is the protocol: the first line is the URL it listens on, then one JSON line per
 * decision, `{ decision, method, url }`. It exits when stdin closes, so that it never outlives
 * main.js, however main.js ends.
 */
import { withCors } from '@cors/fetch';
import {
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from './demo.js';

const ID = 'bun';
const pageOrigin = process.argv[2];
if (!pageOrigin) {
  console.error('usage: bun src/lib/bun-server.js <pageOrigin>');
  process.exit(2);
}

function onDecision(decision, request) {
  const url = new URL(request.url);
  process.stdout.write(
    `${JSON.stringify({ decision, method: request.method, url: url.pathname + url.search })}\n`,
  );
}

const json = (body, init) => Response.json(body, init);

/** The routes of the main policy: a `Request` in, a `Response` out. */
async function api(request) {
  const route = `${request.method} ${new URL(request.url).pathname}`;
  switch (route) {
    case 'GET /api/hello':
    case 'HEAD /api/hello':
      return json({ adapter: ID, message: 'hello' });
    case 'POST /api/login':
      return new Response(null, { status: 204, headers: { 'set-cookie': sessionCookie(ID) } });
    case 'GET /api/me':
      return json({ session: readSession(request.headers.get('cookie') ?? undefined) });
    case 'PUT /api/items/42':
      // The JSON body is not needed: the answer echoes the custom header the preflight allowed.
      return json({ updated: true, custom: request.headers.get('x-custom') });
    case 'GET /api/exposed':
      return json(
        { exposed: 'X-Request-Id' },
        { headers: { 'x-request-id': requestId(), 'x-hidden': 'secret' } },
      );
    case 'GET /api/boom':
      throw new Error('boom');
    default:
      return json({ error: 'not found' }, { status: 404 });
  }
}

function strict(request) {
  const route = `${request.method} ${new URL(request.url).pathname}`;
  if (route === 'GET /strict/hello' || route === 'HEAD /strict/hello')
    return json({ adapter: ID, message: 'strict' });
  return json({ error: 'not found' }, { status: 404 });
}

/**
 * The 500 is made inside the wrapped handler: withCors lets a thrown error go to the runtime (Bun's
 * `error` handler), whose answer it never sees, so the page could not read it.
 */
const answeringErrors = (handler) => async (request) => {
  try {
    return await handler(request);
  } catch {
    return json({ error: 'internal error' }, { status: 500 });
  }
};

// Each policy is compiled once, here; a request is only a decision.
const apiHandler = withCors(answeringErrors(api), {
  ...mainPolicyOptions(pageOrigin),
  onDecision,
});
const strictHandler = withCors(answeringErrors(strict), { ...strictPolicyOptions(), onDecision });

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(request) {
    const path = new URL(request.url).pathname;
    return path.startsWith('/strict/') ? strictHandler(request) : apiHandler(request);
  },
});

process.stdout.write(`http://localhost:${server.port}\n`);

// main.js holds our stdin open; when it closes (main.js stopped or died), so do we.
process.stdin.on('close', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
