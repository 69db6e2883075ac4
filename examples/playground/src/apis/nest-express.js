/**
 * The playground API on NestJS with @nestjs/platform-express: `CorsModule.forRoot(...)` for the
 * main policy, and `@Cors(...)` on the /strict controller. Plain JavaScript without a build step,
 * so the decorators are called as functions (what TypeScript's `@Get('hello')` compiles to).
 *
 * The Nest app itself is platform-neutral; nest-fastify.js starts the same one on Fastify.
 */
import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Module,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Cors, CorsModule } from '@cors/nestjs';
import {
  dangerousOptions,
  mainPolicyOptions,
  readSession,
  requestId,
  sessionCookie,
  strictPolicyOptions,
} from '../lib/demo.js';

/** Applies decorators to a method, as `@A() @B() method() {}` would. */
function decorate(type, name, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(type.prototype, name);
  for (const decorator of decorators.reverse()) decorator(type.prototype, name, descriptor);
}

/** Applies parameter decorators, as `method(@A() a, @B() b)` would. */
function params(type, name, ...decorators) {
  decorators.forEach((decorator, index) => decorator(type.prototype, name, index));
}

/**
 * Builds the playground's Nest module for one adapter id. `res` (with `passthrough`) is Express's
 * response or Fastify's reply: both have `header(name, value)`.
 */
function playgroundModule(id, pageOrigin, log) {
  class ApiController {
    hello() {
      return { adapter: id, message: 'hello' };
    }
    login(res) {
      res.header('set-cookie', sessionCookie(id));
    }
    me(cookie) {
      return { session: readSession(cookie) };
    }
    update(custom, _body) {
      return { updated: true, custom: custom ?? null };
    }
    exposed(res) {
      res.header('X-Request-Id', requestId());
      return { exposed: 'X-Request-Id' };
    }
    boom() {
      throw new Error('boom');
    }
  }
  decorate(ApiController, 'hello', Get('hello'));
  decorate(ApiController, 'login', Post('login'), HttpCode(204));
  params(ApiController, 'login', Res({ passthrough: true }));
  decorate(ApiController, 'me', Get('me'));
  params(ApiController, 'me', Headers('cookie'));
  decorate(ApiController, 'update', Put('items/42'));
  params(ApiController, 'update', Headers('x-custom'), Body());
  decorate(ApiController, 'exposed', Get('exposed'), Header('X-Hidden', 'secret'));
  params(ApiController, 'exposed', Res({ passthrough: true }));
  decorate(ApiController, 'boom', Get('boom'));
  Controller('api')(ApiController);

  class StrictController {
    hello() {
      return { adapter: id, message: 'strict' };
    }
  }
  decorate(StrictController, 'hello', Get('hello'));
  // The idiomatic per-route mechanism: the controller's own policy, for its requests and preflights.
  Cors(strictPolicyOptions())(StrictController);
  Controller('strict')(StrictController);

  class PlaygroundModule {}
  Module({
    imports: [
      CorsModule.forRoot({
        ...mainPolicyOptions(pageOrigin),
        // The raw Node request on both platforms; CORS runs first, so `url` is the request's own.
        onDecision: (decision, req) => log(decision, req.method, req.url),
      }),
    ],
    controllers: [ApiController, StrictController],
  })(PlaygroundModule);
  return PlaygroundModule;
}

/** Starts a Nest app whose CorsModule has the dangerous options: it must fail to start. */
export async function misconfigureNest(adapter) {
  class DangerousModule {}
  Module({ imports: [CorsModule.forRoot(dangerousOptions())] })(DangerousModule);
  const app = await NestFactory.create(DangerousModule, adapter, {
    logger: false,
    abortOnError: false,
  });
  await app.close();
}

/** Starts the playground's Nest app on an adapter; shared by nest-express.js and nest-fastify.js. */
export async function startNestApi({ id, adapter, pageOrigin, log }) {
  const app = await NestFactory.create(playgroundModule(id, pageOrigin, log), adapter, {
    logger: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  return { url: `http://localhost:${port}`, close: () => app.close() };
}

export default {
  name: 'NestJS (Express)',
  misconfigure: () => misconfigureNest(new ExpressAdapter()),
  async start({ pageOrigin, log }) {
    const adapter = new ExpressAdapter();
    adapter.getInstance().disable('x-powered-by');
    return startNestApi({ id: 'nest-express', adapter, pageOrigin, log });
  },
};
