// Figure (a): the middleware called directly in a loop with minimal request/response objects, in ns
// of process CPU time per call, paired against a no-op middleware of the same shape. Samples
// alternate (noop, peer, ours, static, core, noop, …) so that drift hits every contender alike.
import { createCorsPolicy } from '@cors/core';
import { oursOptions } from './contenders/options.js';
import { POLICIES, describeHostileAnswer } from './scenarios.js';

// ---- Minimal objects: only what the contenders touch, so the figure is the middleware's own cost.

/** The part of node's ServerResponse that node-style middleware uses. */
class MiniResponse {
  constructor() {
    this.statusCode = 200;
    this.headersSent = false;
    this.fields = new Map();
  }
  setHeader(name, value) {
    this.fields.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name) {
    return this.fields.get(name.toLowerCase());
  }
  hasHeader(name) {
    return this.fields.has(name.toLowerCase());
  }
  removeHeader(name) {
    this.fields.delete(name.toLowerCase());
  }
  writeHead(status, headers) {
    this.statusCode = status;
    if (headers !== undefined) for (const name in headers) this.setHeader(name, headers[name]);
    return this;
  }
  end() {
    this.headersSent = true;
    return this;
  }
}

/** A Koa context: what @koa/cors and @cors/koa use (Koa's `ctx.get/set/vary/remove`). */
class MiniContext {
  constructor(req) {
    this.req = req;
    this.res = new MiniResponse();
    this.method = req.method;
    this.url = req.url;
    this.status = 404;
    this.body = undefined;
  }
  get headerSent() {
    return this.res.headersSent;
  }
  get(name) {
    return this.req.headers[name.toLowerCase()] ?? '';
  }
  set(name, value) {
    this.res.setHeader(name, value);
  }
  remove(name) {
    this.res.removeHeader(name);
  }
  vary(field) {
    const existing = this.res.getHeader('vary');
    if (existing === undefined) this.res.setHeader('vary', field);
    else if (!existing.toLowerCase().split(/ *, */).includes(field.toLowerCase()))
      this.res.setHeader('vary', `${existing}, ${field}`);
  }
}

const ROUTE_CONFIG = Object.freeze({});

/** A Fastify request: the raw request, its headers, and the route's options. */
class MiniFastifyRequest {
  constructor(raw) {
    this.raw = raw;
    this.headers = raw.headers;
    this.method = raw.method;
    this.url = raw.url;
    this.routeOptions = { config: ROUTE_CONFIG };
    this.corsPreflightEnabled = false;
  }
}

/** A Fastify reply: chainable `header/code/send`. */
class MiniReply {
  constructor(request) {
    this.request = request;
    this.raw = new MiniResponse();
    this.statusCode = 200;
    this.sent = false;
    this.fields = new Map();
  }
  header(name, value) {
    this.fields.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name) {
    return this.fields.get(name.toLowerCase());
  }
  hasHeader(name) {
    return this.fields.has(name.toLowerCase());
  }
  removeHeader(name) {
    this.fields.delete(name.toLowerCase());
    return this;
  }
  headers(values) {
    for (const name in values) this.header(name, values[name]);
    return this;
  }
  code(status) {
    this.statusCode = status;
    return this;
  }
  status(status) {
    return this.code(status);
  }
  type(value) {
    return this.header('content-type', value);
  }
  send() {
    this.sent = true;
    return this;
  }
}

/** A node request as the middleware sees it: method, url, lower-case headers and raw lines. */
export function miniRequest({ method, headers }) {
  return {
    method,
    url: '/',
    headers: { host: '127.0.0.1', ...headers },
    rawHeaders: Object.entries({ Host: '127.0.0.1', ...headers }).flat(),
  };
}

// ---- Shapes: how a middleware of each kind is called, and what a no-op and a static one look like.

let routed = 0; // how many calls reached the route (next/done), to check "the route ran"
const RESOLVED = Promise.resolve();
const next = () => {
  routed++;
};
const nextKoa = () => {
  routed++;
  return RESOLVED;
};
const done = (error) => {
  if (error) throw error;
  routed++;
};

const SHAPES = {
  node: {
    // One call, as source text: see compileLoop.
    call: 'mw(req, new MiniResponse(), next)',
    run(mw, req) {
      const res = new MiniResponse();
      return [res, mw(req, res, next)];
    },
    read: (res) => ({ status: res.statusCode, headers: Object.fromEntries(res.fields) }),
    noop: (_req, _res, next) => next(),
    static({ fields, end, status }) {
      return (_req, res, next) => {
        for (const [name, value] of fields) res.setHeader(name, value);
        if (!end) return next();
        res.statusCode = status;
        res.end();
      };
    },
  },
  koa: {
    call: 'mw(new MiniContext(req), next)',
    run(mw, req) {
      const ctx = new MiniContext(req);
      return [ctx, mw(ctx, nextKoa)];
    },
    read: (ctx) => ({ status: ctx.status, headers: Object.fromEntries(ctx.res.fields) }),
    noop: (_ctx, next) => next(),
    static({ fields, end, status }) {
      return (ctx, next) => {
        for (const [name, value] of fields) ctx.set(name, value);
        if (!end) return next();
        ctx.status = status;
      };
    },
  },
  fastify: {
    call: 'mw(request = new MiniFastifyRequest(req), new MiniReply(request), next)',
    run(mw, req) {
      const request = new MiniFastifyRequest(req);
      const reply = new MiniReply(request);
      return [reply, mw(request, reply, done)];
    },
    read: (reply) => ({ status: reply.statusCode, headers: Object.fromEntries(reply.fields) }),
    noop: (_request, _reply, done) => done(),
    static({ fields, end, status }) {
      return (_request, reply, done) => {
        for (const [name, value] of fields) reply.header(name, value);
        if (!end) return done();
        reply.code(status).send();
      };
    },
  },
};

/**
 * A loop of `n` calls of one middleware. Each contender gets its own copy of the loop (compiled
 * from source), so that V8's inline caches in it see one middleware, as in a real application,
 * rather than all contenders at once.
 */
function compileLoop(shapeName, mw, req) {
  const shape = SHAPES[shapeName];
  const nextFunction = shapeName === 'koa' ? nextKoa : shapeName === 'fastify' ? done : next;
  const source = `return async function loop(n) {
    let request;
    for (let i = 0; i < n; i++) {
      const result = ${shape.call};
      if (result !== undefined && typeof result.then === 'function') await result;
    }
    return request;
  };`;
  const factory = new Function(
    'mw',
    'req',
    'next',
    'MiniResponse',
    'MiniContext',
    'MiniFastifyRequest',
    'MiniReply',
    source,
  );
  return factory(mw, req, nextFunction, MiniResponse, MiniContext, MiniFastifyRequest, MiniReply);
}

/** Calls `mw` once and returns the response as the checks see it. */
async function callOnce(shapeName, mw, req) {
  const shape = SHAPES[shapeName];
  const before = routed;
  const [target, result] = shape.run(mw, req);
  if (result !== undefined && typeof result.then === 'function') await result;
  return { ...shape.read(target), routeRan: routed > before };
}

/** The core's decide() alone, with the request read as the node adapter reads it. */
function coreOnly(policy) {
  const compiled = createCorsPolicy(oursOptions(policy));
  return (req, _res, next) => {
    const headers = req.headers;
    const decision = compiled.decide({
      method: req.method,
      origin: headers.origin,
      requestMethod: headers['access-control-request-method'],
      requestHeaders: headers['access-control-request-headers'],
      requestPrivateNetwork: headers['access-control-request-private-network'],
    });
    if (decision.end) return;
    next();
  };
}

// ---- Timing

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function sampleNs(loop, n) {
  const start = cpuMicros();
  await loop(n);
  return ((cpuMicros() - start) * 1000) / n;
}

/**
 * Iterations so that one sample of `loop` takes about `sampleMs` of CPU. Each contender gets its
 * own count: a fast contender timed over a few calls (sized for a slow peer) would measure the
 * clock and the caches the peer just trashed, not itself.
 */
async function calibrate(loop, sampleMs) {
  let n = 16;
  for (;;) {
    const start = cpuMicros();
    await loop(n);
    const micros = cpuMicros() - start;
    if (micros >= 2000 || n >= 1 << 24)
      return Math.max(1, Math.round((n * sampleMs * 1000) / Math.max(micros, 1)));
    n *= 4;
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** { median, min, max } of paired differences a[i] − b[i]. */
export function pairedDifference(a, b) {
  const differences = a.map((value, i) => value - b[i]);
  return {
    median: median(differences),
    min: Math.min(...differences),
    max: Math.max(...differences),
  };
}

/**
 * Builds the contenders of one framework for one scenario and checks each once. Returns
 * `{ contenders: [{ kind, mw }], cells: { kind: { status: 'ok'|'failed'|'missing', detail } } }`.
 */
async function prepare(framework, scenario, req) {
  const { shape, create } = framework.inprocess;
  const policy = POLICIES[scenario.policy];
  const contenders = [{ kind: 'noop', mw: SHAPES[shape].noop }];
  const cells = {};
  const observed = {};
  for (const kind of ['peer', 'ours']) {
    try {
      const mw = await create(kind, policy);
      const res = await callOnce(shape, mw, req);
      observed[kind] = res;
      const problem = scenario.check(res, kind);
      cells[kind] = problem ? { status: 'failed', detail: problem } : { status: 'ok' };
      if (!problem) contenders.push({ kind, mw });
    } catch (error) {
      const missing = error.name === 'MissingAdapter';
      cells[kind] = { status: missing ? 'missing' : 'failed', detail: error.message };
    }
  }
  // "Setting the same headers statically": replays ours's answer (the peer's if ours is absent).
  const model = cells.ours?.status === 'ok' ? observed.ours : observed.peer;
  if (model !== undefined && !scenario.hostile) {
    const fields = Object.entries(model.headers);
    const mw = SHAPES[shape].static({ fields, end: !model.routeRan, status: model.status });
    const problem = scenario.check(await callOnce(shape, mw, req), 'static');
    cells.static = problem ? { status: 'failed', detail: problem } : { status: 'ok' };
    if (!problem) contenders.push({ kind: 'static', mw });
  }
  if (shape === 'node') contenders.push({ kind: 'core', mw: coreOnly(policy) });
  return { contenders, cells, observed };
}

/**
 * Times one framework's contenders on one scenario. Returns per kind: the cell status, and for
 * timed cells `perCall` (median ns) and `added` ({ median, min, max } ns over the no-op).
 */
export async function measureInProcess(framework, scenario, { samples, sampleMs, warmUpMs }) {
  const req = miniRequest(scenario.request);
  const { contenders, cells, observed } = await prepare(framework, scenario, req);
  const shape = framework.inprocess.shape;
  const loops = contenders.map(({ mw }) => compileLoop(shape, mw, req));
  const iterations = [];
  for (const loop of loops) iterations.push(await calibrate(loop, sampleMs));
  // Warm up for a while: V8 optimises on a background thread, which a busy machine delays.
  for (let i = 0; i < loops.length; i++) {
    const end = cpuMicros() + warmUpMs * 1000;
    while (cpuMicros() < end) await loops[i](iterations[i]);
  }
  const ns = contenders.map(() => []);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < loops.length; i++) ns[i].push(await sampleNs(loops[i], iterations[i]));
  }
  const noop = ns[0];
  const result = { noop: median(noop), cells };
  if (scenario.hostile) {
    for (const [kind, res] of Object.entries(observed))
      cells[kind].observed = describeHostileAnswer(res);
  }
  contenders.forEach(({ kind }, i) => {
    if (i === 0) return;
    result.cells[kind] = {
      ...(result.cells[kind] ?? { status: 'ok' }),
      perCall: median(ns[i]),
      added: pairedDifference(ns[i], noop),
    };
  });
  return result;
}

/** The loop of one contender (for profile.js); throws if it is missing or fails its check. */
export async function profileLoop(framework, scenario, kind) {
  const req = miniRequest(scenario.request);
  const { contenders, cells } = await prepare(framework, scenario, req);
  const contender = contenders.find((c) => c.kind === kind);
  if (!contender) throw new Error(`${kind}: ${cells[kind]?.detail ?? 'not available'}`);
  return compileLoop(framework.inprocess.shape, contender.mw, req);
}
