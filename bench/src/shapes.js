/* global Request */
// How a contender of each shape is called in figure (a), what its baseline is, and what "the same
// headers set statically" looks like in that shape.
//
//   node     (req, res, next) middleware, minimal objects; baseline: a no-op middleware
//   koa      (ctx, next) middleware, minimal context; baseline: a no-op middleware
//   fastify  an onRequest hook (request, reply, done), minimal objects; baseline: a no-op hook
//   app      a whole node:http app (req, res) on real request/response objects (Nest); baseline:
//            the same app without CORS. Its contenders come from the framework, static included.
//   fetch    (request) => Response, a Hono app's `fetch` or a fetch handler; baseline: the same
//            app or handler without CORS. Its contenders come from the framework, static included.
import { callApp, readAppResponse } from './app-request.js';
import {
  MiniContext,
  MiniFastifyRequest,
  MiniReply,
  MiniResponse,
  miniRequest,
} from './minimal-objects.js';

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

/** Calls a middleware once; resolves with the response as the checks see it. */
async function once(run, read, mw, req) {
  const before = routed;
  const [target, result] = run(mw, req);
  if (result !== undefined && typeof result.then === 'function') await result;
  return { ...read(target), routeRan: routed > before };
}

/** The CORS part of an answer (what a static contender replays on a whole app). */
export function corsFields(headers) {
  return Object.entries(headers).filter(
    ([name]) => name.startsWith('access-control-') || name === 'vary',
  );
}

const node = {
  baseline: 'no-op middleware',
  next,
  request: miniRequest,
  // One call, as source text: see compileLoop in ./inprocess.js.
  call: 'mw(req, new MiniResponse(), next)',
  once: (mw, req) =>
    once(
      (mw, req) => {
        const res = new MiniResponse();
        return [res, mw(req, res, next)];
      },
      (res) => ({ status: res.statusCode, headers: Object.fromEntries(res.fields) }),
      mw,
      req,
    ),
  noop: (_req, _res, next) => next(),
  static({ fields, end, status }) {
    return (_req, res, next) => {
      for (const [name, value] of fields) res.setHeader(name, value);
      if (!end) return next();
      res.statusCode = status;
      res.end();
    };
  },
};

const koa = {
  baseline: 'no-op middleware',
  next: nextKoa,
  request: miniRequest,
  call: 'mw(new MiniContext(req), next)',
  once: (mw, req) =>
    once(
      (mw, req) => {
        const ctx = new MiniContext(req);
        return [ctx, mw(ctx, nextKoa)];
      },
      (ctx) => ({ status: ctx.status, headers: Object.fromEntries(ctx.res.fields) }),
      mw,
      req,
    ),
  noop: (_ctx, next) => next(),
  static({ fields, end, status }) {
    return (ctx, next) => {
      for (const [name, value] of fields) ctx.set(name, value);
      if (!end) return next();
      ctx.status = status;
    };
  },
};

const fastify = {
  baseline: 'no-op hook',
  next: done,
  request: miniRequest,
  call: 'mw(request = new MiniFastifyRequest(req), new MiniReply(request), next)',
  once: (mw, req) =>
    once(
      (mw, req) => {
        const request = new MiniFastifyRequest(req);
        const reply = new MiniReply(request);
        return [reply, mw(request, reply, done)];
      },
      (reply) => ({ status: reply.statusCode, headers: Object.fromEntries(reply.fields) }),
      mw,
      req,
    ),
  noop: (_request, _reply, done) => done(),
  static({ fields, end, status }) {
    return (_request, reply, done) => {
      for (const [name, value] of fields) reply.header(name, value);
      if (!end) return done();
      reply.code(status).send();
    };
  },
};

const app = {
  baseline: 'bare app',
  next,
  // A fresh request and response per call: callApp builds them from the scenario's request.
  request: (spec) => spec,
  call: 'callApp(mw, req)',
  once: async (mw, req) => readAppResponse(await callApp(mw, req)),
};

const fetchShape = {
  baseline: 'bare app',
  next,
  // One Request per scenario, reused: its headers are only read, so building it is not timed.
  request: ({ method, headers }) => new Request('http://api.example.com/', { method, headers }),
  call: 'mw(req)',
  async once(mw, req) {
    const response = await mw(req);
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      routeRan: (await response.text()) === 'ok',
    };
  },
};

export const SHAPES = { node, koa, fastify, app, fetch: fetchShape };

/** What the compiled loops (./inprocess.js) may name. */
export const LOOP_SCOPE = { MiniResponse, MiniContext, MiniFastifyRequest, MiniReply, callApp };
