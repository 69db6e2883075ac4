/**
 * Type-level tests: `tsc -p tsconfig.test.json` (the typecheck script) proves them; at run time
 * they only build the objects.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import { cors } from '../src/index.js';

type AppEnv = { Bindings: { ALLOWED: string }; Variables: { tenant: string } };

describe('types', () => {
  it('is a middleware of the app’s Env, usable app-wide and per path', () => {
    const app = new Hono<AppEnv>();
    const middleware = cors<AppEnv>({ origin: ['https://app.example.com'] });
    expectTypeOf(middleware).toEqualTypeOf<MiddlewareHandler<AppEnv>>();
    app.use(middleware);
    app.use('/admin/*', cors({ origin: ['https://admin.example.com'] }));
    app.get('/x', cors({ origin: '*' }), (c) => c.text('x'));
  });

  it('gives onDecision and a selector the typed context', () => {
    const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
    cors<AppEnv>(
      (c) => {
        expectTypeOf(c).toEqualTypeOf<Context<AppEnv>>();
        expectTypeOf(c.env.ALLOWED).toEqualTypeOf<string>();
        return policy;
      },
      {
        onDecision: (decision, c) => {
          expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
          expectTypeOf(c.get('tenant')).toEqualTypeOf<string>();
        },
      },
    );
  });

  it('refuses a policy option the core does not know', () => {
    // @ts-expect-error: 'origins' is not an option (the core names the fix at run time too).
    expectTypeOf(cors).toBeCallableWith({ origins: ['https://app.example.com'] });
  });
});
