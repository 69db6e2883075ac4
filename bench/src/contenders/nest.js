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

/**
 * Starts Nest on `adapter` (an ExpressAdapter or FastifyAdapter instance) with no CORS, with Nest's
 * own `enableCors` (peer), or with ours (`CorsModule.forRoot`).
 */
export async function listenNest(adapter, kind, policy) {
  const imports = [];
  if (kind === 'ours') {
    const CorsModule = await loadOurs('@cors/nestjs', 'CorsModule');
    imports.push(CorsModule.forRoot(oursOptions(policy)));
  }
  const app = await NestFactory.create(moduleClass(imports), adapter, { logger: false });
  if (kind === 'peer') app.enableCors(corsOptions(policy));
  await app.listen(0, '127.0.0.1');
  return app.getHttpServer();
}

/** Why Nest has no in-process row. */
export const NEST_INPROCESS_NOTE =
  "Nest's enableCors registers the `cors` function (Express) or the `@fastify/cors` hook (Fastify) " +
  'timed in the node:http and Fastify rows, and CorsModule runs `handleCors` of @cors/node on the raw ' +
  'request and response on both platforms (the node:http row). A Nest row would time the same functions ' +
  'again; what Nest adds around them is in figure (b).';
