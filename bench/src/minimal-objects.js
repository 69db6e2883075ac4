// Minimal request and response objects for figure (a): only what the middleware under test
// touches, so that the figure is the middleware's own cost. Framework calls on them (`setHeader`,
// `ctx.set`, `reply.header`) are cheaper than the real ones, for every contender alike.

/** The part of node's ServerResponse that node-style middleware uses. */
export class MiniResponse {
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
export class MiniContext {
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
export class MiniFastifyRequest {
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
export class MiniReply {
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
