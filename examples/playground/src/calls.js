/**
 * The calls the page makes to every adapter's API, as data: the page runs them from the browser
 * (src/page/app.js) and main.js replays them over HTTP to show each adapter's answer on the wire.
 * Each row of the page is one call; `why` is its one-line explanation.
 *
 * `expected`: `read` when the browser must let the page read the answer (`status` is then the
 * status it must read), `blocked` when it must refuse it.
 */
export const CALLS = [
  {
    id: 'hello',
    method: 'GET',
    path: '/api/hello',
    expected: 'read',
    status: 200,
    why: "An allowed origin: Allow-Origin echoes the page's, and Vary: Origin keeps caches from serving it to another origin.",
  },
  {
    id: 'login',
    method: 'POST',
    path: '/api/login',
    credentials: true,
    expected: 'read',
    status: 204,
    why: 'credentials: true adds Allow-Credentials, so the browser keeps the session cookie this sets.',
  },
  {
    id: 'me',
    method: 'GET',
    path: '/api/me',
    credentials: true,
    expected: 'read',
    status: 200,
    why: 'The cookie goes back cross-origin, and the answer is readable.',
  },
  {
    id: 'put',
    method: 'PUT',
    path: '/api/items/42',
    credentials: true,
    headers: { 'Content-Type': 'application/json', 'X-Custom': 'demo' },
    body: '{"name":"demo"}',
    expected: 'read',
    status: 200,
    why: 'Preflighted: the OPTIONS answer grants PUT and X-Custom, and maxAge lets the browser reuse it for 10 minutes.',
  },
  {
    id: 'exposed',
    method: 'GET',
    path: '/api/exposed',
    credentials: true,
    expected: 'read',
    status: 200,
    readHeaders: ['X-Request-Id', 'X-Hidden'],
    why: 'exposedHeaders lets the page read X-Request-Id; X-Hidden, not exposed, reads as null.',
  },
  {
    id: 'refused-preflight',
    method: 'PUT',
    path: '/api/items/42',
    headers: { 'X-Forbidden': 'yes' },
    expected: 'blocked',
    why: 'A refused preflight is 204 with Allow-Origin but no Allow-Headers, so the console names X-Forbidden; a 403 would blame the status.',
  },
  {
    id: 'strict',
    method: 'GET',
    path: '/strict/hello',
    expected: 'blocked',
    why: "Not on this route's policy: no CORS headers at all, yet Vary: Origin, so no cache hands this refusal to an allowed origin.",
  },
  {
    id: 'missing',
    method: 'GET',
    path: '/api/missing',
    expected: 'read',
    status: 404,
    why: 'A 404 carries the CORS headers too: the page reads "not found", not a CORS error.',
  },
  {
    id: 'boom',
    method: 'GET',
    path: '/api/boom',
    expected: 'read',
    status: 500,
    why: 'The route throws: the 500 keeps the CORS headers, so the page sees the real error.',
  },
];

/** The start-up check: every API module tries these options, and must be refused before serving. */
export const CONFIG_ERROR = {
  id: 'config-error',
  options: "{ origin: '*', credentials: true }",
  why: 'A dangerous configuration stops the server at start-up, with the fix, never at the first request.',
};

/** The URL of a call, tagged so that the decisions it causes can be told apart. */
export function callUrl(base, call, tag = 'page') {
  return `${base}${call.path}?call=${call.id}&by=${tag}`;
}
