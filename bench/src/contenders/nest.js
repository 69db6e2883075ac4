// The Nest application both Nest rows serve: one controller answering every method on `/`.
// Decorators are applied as functions, since this workspace is plain JavaScript.
import 'reflect-metadata';
import { All, Controller, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { corsOptions, loadOurs, oursOptions } from './options.js';

class AppController {
  handle() {
    return 'ok';
  }
}
Controller()(AppController);
const handle = Object.getOwnPropertyDescriptor(AppController.prototype, 'handle');
Header('Content-Type', 'text/plain')(AppController.prototype, 'handle', handle);
All()(AppController.prototype, 'handle', handle);

function moduleClass(imports) {
  class AppModule {}
  Module({ imports, controllers: [AppController] })(AppModule);
  return AppModule;
}

/** A node middleware that sets `fields` and ends with `status` when `end` (the static contender). */
function staticMiddleware({ fields, end, status }) {
  return (_req, res, next) => {
    for (const [name, value] of fields) res.setHeader(name, value);
    if (!end) return next();
    res.statusCode = status;
    res.end();
  };
}

/**
 * Nest on `adapter` (an ExpressAdapter or FastifyAdapter instance) with no CORS (bare), with Nest's
 * own `enableCors` (peer), with ours (`CorsModule.forRoot`), or with `answer` set by a plain
 * middleware (static, in-process only).
 */
async function createNest(adapter, kind, policy, answer) {
  const imports = [];
  if (kind === 'ours') {
    const CorsModule = await loadOurs('@cors/nestjs', 'CorsModule');
    imports.push(CorsModule.forRoot(oursOptions(policy)));
  }
  const app = await NestFactory.create(moduleClass(imports), adapter, { logger: false });
  if (kind === 'peer') app.enableCors(corsOptions(policy));
  if (kind === 'static') app.use(staticMiddleware(answer));
  return app;
}

/** Starts the app on a free loopback port; resolves with its node:http server. */
export async function listenNest(adapter, kind, policy) {
  const app = await createNest(adapter, kind, policy);
  await app.listen(0, '127.0.0.1');
  return app.getHttpServer();
}

/**
 * The app's request handler, never listening, for figure (a): the Express app itself, or Fastify's
 * `routing` (the function Fastify's server calls for each request). `close()` closes the app.
 */
export async function nestHandler(adapter, kind, policy, answer) {
  const app = await createNest(adapter, kind, policy, answer);
  await app.init();
  const instance = app.getHttpAdapter().getInstance();
  let handler;
  if (typeof instance.routing === 'function') {
    await instance.ready();
    handler = (req, res) => instance.routing(req, res);
  } else {
    handler = (req, res) => instance(req, res);
  }
  handler.close = () => app.close();
  return handler;
}

/**
 * Ours' request hook alone, for the middleware-alone row: what `CorsModule` installs with the
 * adapter's `setOnRequestHook`, taken from an initialized app, so that it finds routes in that
 * app's router as it does when serving. Nest calls it as `(req, res, next)` on Express.
 */
export async function nestRequestHook(adapter, policy) {
  const app = await createNest(adapter, 'ours', policy);
  await app.init();
  const hook = app.getHttpAdapter().onRequestHook;
  if (typeof hook !== 'function') throw new Error('CorsModule installed no request hook');
  return hook;
}
