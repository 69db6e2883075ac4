// Driving a whole node:http application in-process (Nest on Express and on Fastify): a real
// `http.IncomingMessage` and `http.ServerResponse`, with no socket, handed to the app's request
// handler, as node:http would. The response is complete when the app calls `res.end()`; with no
// socket, node keeps what it would have written in memory, and the object is dropped after the call.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

// An unconnected socket, read (remote address, `encrypted`) but never written. Shared by 256
// requests at a time: Express (on-finished) adds listeners to a response's socket, which would
// pile up on one socket for the whole run (heap growth, slower emits, at last out of memory).
let socket = new Socket();
let socketUses = 0;
function requestSocket() {
  if (++socketUses % 256 === 0) socket = new Socket();
  return socket;
}

/**
 * A response that calls `done(res)` once the app has ended it, keeping the body it ended with.
 * `end` is an own property (one shared function), not a subclass method: Express replaces the
 * response's prototype.
 */
function endedResponse(req, done) {
  const res = new ServerResponse(req);
  res.body = undefined;
  res.done = done;
  res.end = endAndTell;
  return res;
}

/**
 * One function for every response: a closure per response, stored on it, would give each
 * response a hidden class of its own once Express swaps its prototype, and the harness would
 * measure V8 building maps (about 2 per request) rather than the app.
 */
function endAndTell(chunk, encoding, callback) {
  this.body = chunk;
  const result = ServerResponse.prototype.end.call(this, chunk, encoding, callback);
  this.done(this);
  return result;
}

/** A request with `method`, `url` '/', lower-case `headers` (and their raw lines), already ended. */
function incoming({ method, headers }) {
  const req = new IncomingMessage(requestSocket());
  req.method = method;
  req.url = '/';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = { host: '127.0.0.1', ...headers };
  req.rawHeaders = Object.entries(req.headers).flat();
  req.complete = true;
  req.push(null);
  return req;
}

let calls = 0;

/** Calls `handler(req, res)` with a fresh request for `spec`; resolves with the ended response. */
export function callApp(handler, spec) {
  return new Promise((resolve) => {
    const req = incoming(spec);
    // Every 64th call lets the event loop turn. A loop of calls that all settle in microtasks
    // never lets Node run its process.nextTick queue, where streams and Express leave work for
    // each request: every request's objects would stay on the heap (and in the timings, as
    // garbage collection) until the loop ends.
    const done = ++calls % 64 === 0 ? (res) => setImmediate(resolve, res) : resolve;
    handler(req, endedResponse(req, done));
  });
}

/** The ended response as the checks see it: status, lower-case headers, whether the route ran. */
export function readAppResponse(res) {
  const headers = {};
  for (const line of (res._header ?? '').split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: res.statusCode, headers, routeRan: String(res.body ?? '') === 'ok' };
}
