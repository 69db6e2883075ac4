/**
 * Type-level tests: `tsc -p tsconfig.test.json` (the typecheck script) proves them; at run time
 * they only build the objects.
 */
import Koa, { type Context, type Middleware } from 'koa';
import { Router, type RouterMiddleware } from '@koa/router';
import { describe, expectTypeOf, it } from 'vitest';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import { cors, type CorsContext, type CorsMiddleware, type KoaCorsOptions } from '../src/index.js';

describe('types', () => {
  it('the middleware fits app.use, router.use and route definitions, with no Koa type dependency', () => {
    const middleware = cors({ origin: ['https://app.example.com'] });
    expectTypeOf(middleware).toEqualTypeOf<CorsMiddleware>();
    expectTypeOf(middleware).toExtend<Middleware>();
    expectTypeOf(middleware).toExtend<RouterMiddleware>();
    expectTypeOf<Context>().toExtend<CorsContext>();
    new Koa().use(middleware);
    const router = new Router();
    router.use(middleware);
    router.use('/api', middleware);
    router.options('/{*path}', middleware);
    router.get('/x', middleware, (ctx) => {
      ctx.body = 'x';
    });
  });

  it('onDecision receives the decision and the context, typed as the app says', () => {
    const options: KoaCorsOptions = {
      origin: '*',
      onDecision: (decision, ctx) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(ctx.url).toEqualTypeOf<string>();
      },
    };
    cors(options);
    // With the app's context type, onDecision sees all of it.
    new Koa().use(
      cors<Context>({
        origin: ['https://app.example.com'],
        onDecision: (_decision, ctx) => expectTypeOf(ctx.ip).toEqualTypeOf<string>(),
      }),
    );
  });

  it('accepts a policy, with the adapter options apart', () => {
    const policy = createCorsPolicy({
      origin: async (origin: string) => origin.endsWith('.example.com'),
    });
    expectTypeOf(cors(policy, { onDecision: () => {} })).toEqualTypeOf<CorsMiddleware>();
  });

  it('refuses a policy option the core does not know', () => {
    // @ts-expect-error: 'origins' is not an option (the core names the fix at run time too).
    expectTypeOf(cors).toBeCallableWith({ origins: ['https://app.example.com'] });
  });
});
