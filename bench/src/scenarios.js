// The scenarios (S1–S7): one request each, the policy it runs under, and what a correct answer
// looks like. Policies are written once, as neutral data, and translated per contender in
// ./contenders/options.js, so every contender gets the same origins in the same order.

import {
  ALLOWED_HEADERS,
  APP,
  EVIL,
  METHODS,
  SUBDOMAIN_REGEXP,
  TENANT,
  listEndingWithApp,
} from './origins.js';

export { APP, EVIL, METHODS, SUBDOMAIN_REGEXP, TENANT };

/** A policy as data: `origins` (exact origins) or `pattern: true` (subdomains of example.com). */
const base = {
  origins: [APP, 'https://admin.example.com', 'http://localhost:3000'],
  pattern: false,
  credentials: true,
  methods: METHODS,
  allowedHeaders: ALLOWED_HEADERS,
};

export const POLICIES = {
  base,
  list3: { ...base, origins: listEndingWithApp(3) },
  list10: { ...base, origins: listEndingWithApp(10) },
  list1000: { ...base, origins: listEndingWithApp(1000) },
  list10000: { ...base, origins: listEndingWithApp(10_000) },
  list100000: { ...base, origins: listEndingWithApp(100_000) },
  pattern: { ...base, origins: null, pattern: true },
  // No allowedHeaders: every contender reflects the requested names, which is where a hostile
  // Access-Control-Request-Headers can hurt.
  reflect: { ...base, allowedHeaders: null },
};

/** 1 MiB of header names, `x-h,x-h,…`: what a hostile client can put in one header line. */
export const HOSTILE_REQUEST_HEADERS = 'x-h,'.repeat((1 << 18) - 1) + 'x-hh';
/** The sizes at which S7 is timed in-process, to see how its cost grows with the input. */
export const HOSTILE_SIZES = [16 << 10, 128 << 10, 1 << 20];

// A response as the checks see it: { status, headers (lower-case names), routeRan }.
const acao = (res) => res.headers['access-control-allow-origin'];
const tokens = (value) =>
  String(value ?? '')
    .toLowerCase()
    .split(',')
    .map((token) => token.trim());

function expectAllowed(origin) {
  return (res) => {
    if (acao(res) !== origin) return `ACAO is ${show(acao(res))}, expected ${origin}`;
    if (res.headers['access-control-allow-credentials'] !== 'true') return 'ACAC is not true';
    if (!res.routeRan) return 'the route did not run';
    return null;
  };
}

function expectNoAcao(res) {
  if (acao(res) !== undefined) return `ACAO is ${show(acao(res))}, expected none`;
  if (!res.routeRan) return 'the route did not run';
  return null;
}

function expectPreflight(res) {
  if (res.status !== 204) return `status ${res.status}, expected 204`;
  if (acao(res) !== APP) return `ACAO is ${show(acao(res))}, expected ${APP}`;
  if (!tokens(res.headers['access-control-allow-methods']).includes('put'))
    return 'ACAM does not contain PUT';
  const allowHeaders = tokens(res.headers['access-control-allow-headers']);
  if (!allowHeaders.includes('content-type') || !allowHeaders.includes('x-custom'))
    return 'ACAH does not contain content-type and x-custom';
  if (res.routeRan) return 'the route ran';
  return null;
}

/** S7: answered without running the route; ours must not echo the hostile value. */
function expectHostileAnswered(res, kind) {
  if (res.status < 200 || res.status > 299) return `status ${res.status}, expected 2xx`;
  if (res.routeRan) return 'the route ran';
  const echoed = res.headers['access-control-allow-headers'];
  if (kind === 'ours' && echoed !== undefined && echoed.length > 4096)
    return `ACAH echoes ${echoed.length} bytes`;
  return null;
}

/** What a contender did with S7's header, for the report. */
export function describeHostileAnswer(res) {
  const echoed = res.headers['access-control-allow-headers'];
  if (echoed === undefined) return `${res.status}, no ACAH (refused)`;
  if (echoed === HOSTILE_REQUEST_HEADERS)
    return `${res.status}, ACAH reflects all ${echoed.length} bytes`;
  return `${res.status}, ACAH of ${echoed.length} bytes`;
}

function show(value) {
  return value === undefined ? 'absent' : JSON.stringify(String(value).slice(0, 60));
}

const get = (origin) => ({ method: 'GET', headers: origin === undefined ? {} : { origin } });
const preflight = (requestHeaders) => ({
  method: 'OPTIONS',
  headers: {
    origin: APP,
    'access-control-request-method': 'PUT',
    'access-control-request-headers': requestHeaders,
  },
});

/**
 * Each scenario: `policy` (a key of POLICIES), `request` ({ method, headers }), `check(res, kind)`
 * returning null or what is wrong. `kind` is 'bare' | 'peer' | 'ours' | 'static'; the bare route
 * only has to run.
 */
export const SCENARIOS = [
  {
    id: 'S1',
    title: 'allowed GET, 3 origins, credentials',
    policy: 'base',
    request: get(APP),
    check: expectAllowed(APP),
  },
  {
    id: 'S2',
    title: 'preflight PUT with 2 custom headers',
    policy: 'base',
    request: preflight('content-type,x-custom'),
    check: expectPreflight,
  },
  {
    id: 'S3',
    title: 'disallowed origin',
    policy: 'base',
    request: get(EVIL),
    check: expectNoAcao,
  },
  { id: 'S4', title: 'no Origin', policy: 'base', request: get(), check: expectNoAcao },
  ...[3, 10, 1000, 10_000, 100_000].map((n) => ({
    id: `S5-${n}`,
    title: `allowed origin last of ${n.toLocaleString('en-US')}`,
    policy: `list${n}`,
    request: get(APP),
    check: expectAllowed(APP),
    origins: n,
  })),
  {
    id: 'S6',
    title: 'subdomain pattern',
    policy: 'pattern',
    request: get(TENANT),
    check: expectAllowed(TENANT),
  },
  {
    id: 'S7',
    title: 'preflight, 1 MiB hostile ACRH',
    policy: 'reflect',
    request: preflight(HOSTILE_REQUEST_HEADERS),
    check: expectHostileAnswered,
    hostile: true,
  },
];

/** The check of a bare route: it ran, and nothing set CORS headers. */
export function checkBare(res) {
  if (!res.routeRan) return 'the route did not run';
  if (acao(res) !== undefined) return 'a bare route has ACAO';
  return null;
}

/** S7 with a smaller hostile value, for the in-process growth figure. */
export function hostileScenario(size) {
  const value = HOSTILE_REQUEST_HEADERS.slice(0, size);
  const scenario = SCENARIOS.find((s) => s.id === 'S7');
  return { ...scenario, id: `S7-${size}`, request: preflight(value) };
}
