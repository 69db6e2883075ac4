/**
 * Real servers on 127.0.0.1, port 0: our adapters and the peers (`cors`, `@koa/cors`,
 * `@fastify/cors`, `hono/cors`), configured as users configure them, right and wrong, plus plain
 * node:http handlers for the answers no middleware sends on purpose (two layers, a redirected or
 * failing preflight). Each serves `/api` for every method.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorsOptions } from '@cors/core';
import corsFastify from '@cors/fastify';
import { cors as corsKoa } from '@cors/koa';
import { cors as corsNode } from '@cors/node';
import fastifyCors from '@fastify/cors';
import { serve } from '@hono/node-server';
import koaCors from '@koa/cors';
import expressCors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';

export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly close: () => Promise<void>;
}

const BODY = JSON.stringify({ ok: true });

async function listenNode(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-request-id', '42');
  res.end(BODY);
}

/** `@cors/node` on node:http. */
export function oursNode(options: CorsOptions): Promise<RunningServer> {
  const middleware = corsNode(options);
  return listenNode(http.createServer((req, res) => middleware(req, res, () => answer(res))));
}

/** `@cors/fastify` on Fastify 5. */
export async function oursFastify(options: CorsOptions): Promise<RunningServer> {
  const app = Fastify();
  await app.register(corsFastify, options);
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api',
    handler: async (_request, reply) => reply.header('x-request-id', '42').send({ ok: true }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** `@cors/koa` on Koa 3. */
export function oursKoa(options: CorsOptions): Promise<RunningServer> {
  const app = new Koa();
  app.silent = true;
  app.use(corsKoa(options));
  app.use((ctx) => {
    ctx.set('x-request-id', '42');
    ctx.body = { ok: true };
  });
  return listenNode(http.createServer(app.callback()));
}

/** The `cors` package on Express 5. */
export function peerExpressCors(options?: expressCors.CorsOptions): Promise<RunningServer> {
  const app = express();
  app.use(expressCors(options));
  app.all('/api', (_req, res) => {
    res.set('x-request-id', '42').json({ ok: true });
  });
  return listenNode(http.createServer(app));
}

/** `@koa/cors` on Koa 3. */
export function peerKoaCors(options?: koaCors.Options): Promise<RunningServer> {
  const app = new Koa();
  app.silent = true;
  app.use(koaCors(options));
  app.use((ctx) => {
    ctx.set('x-request-id', '42');
    ctx.body = { ok: true };
  });
  return listenNode(http.createServer(app.callback()));
}

/** `@fastify/cors` on Fastify 5. */
export async function peerFastifyCors(options: Record<string, unknown>): Promise<RunningServer> {
  const app = Fastify();
  await app.register(fastifyCors, options);
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api',
    handler: async (_request, reply) => reply.header('x-request-id', '42').send({ ok: true }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** `hono/cors` on `@hono/node-server`. */
export async function peerHonoCors(
  options?: Parameters<typeof honoCors>[0],
): Promise<RunningServer> {
  const app = new Hono();
  app.use('/api', honoCors(options));
  app.all('/api', (c) => {
    c.header('x-request-id', '42');
    return c.json({ ok: true });
  });
  const server = await new Promise<Server>((resolve) => {
    const running = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(running as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A hand-written node:http handler, for answers no middleware sends on purpose. */
export function raw(
  handler: (req: IncomingMessage, res: ServerResponse, base: string) => void,
): Promise<RunningServer> {
  let base = '';
  const server = http.createServer((req, res) => handler(req, res, base));
  return listenNode(server).then((running) => {
    base = running.base;
    return running;
  });
}
