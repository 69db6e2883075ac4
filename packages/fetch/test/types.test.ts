/**
 * Type-level tests: `tsc -p tsconfig.test.json` (the typecheck script) proves them; at run time
 * they only build the objects.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import {
  applyCors,
  corsPreflight,
  withCors,
  type FetchCorsOptions,
  type FetchHandler,
} from '../src/index.js';

interface Env {
  DB: { prepare(sql: string): unknown };
}
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

describe('types', () => {
  it('keeps the extra arguments of the handler it wraps (Workers’ env and ctx)', () => {
    const handle = withCors(
      (request: Request, env: Env, ctx: ExecutionContext) => {
        expectTypeOf(env).toEqualTypeOf<Env>();
        ctx.waitUntil(Promise.resolve());
        return new Response(request.url);
      },
      { origin: ['https://app.example.com'] },
    );
    expectTypeOf(handle).toEqualTypeOf<FetchHandler<[Env, ExecutionContext]>>();
    expectTypeOf(handle).parameters.toEqualTypeOf<[Request, Env, ExecutionContext]>();
    expectTypeOf(handle).returns.toEqualTypeOf<Response | Promise<Response>>();
  });

  it('accepts options, a policy or a selector of the Request', () => {
    const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
    withCors(() => new Response(), policy);
    withCors(
      () => new Response(),
      (request) => {
        expectTypeOf(request).toEqualTypeOf<Request>();
        return policy;
      },
    );
    const options: FetchCorsOptions = {
      origin: ['https://app.example.com'],
      onDecision: (decision, request) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(request).toEqualTypeOf<Request>();
      },
    };
    withCors(() => new Response(), options);
  });

  it('the halves are synchronous for a synchronous policy, promises for an async one', () => {
    const request = new Request('http://api.test/');
    const sync = createCorsPolicy({ origin: ['https://app.example.com'] });
    const async = createCorsPolicy({ origin: async (origin: string) => origin.length > 0 });
    const a = () => corsPreflight(request, sync);
    const b = () => corsPreflight(request, async);
    expectTypeOf(a).returns.toEqualTypeOf<Response | undefined>();
    expectTypeOf(b).returns.toEqualTypeOf<Promise<Response | undefined>>();
    const c = () => applyCors(request, new Response(), sync);
    const d = () => applyCors(request, new Response(), async);
    expectTypeOf(c).returns.toEqualTypeOf<Response>();
    expectTypeOf(d).returns.toEqualTypeOf<Promise<Response>>();
  });

  it('refuses a policy option the core does not know', () => {
    const handler = () => new Response();
    // @ts-expect-error: 'origins' is not an option (the core names the fix at run time too).
    expectTypeOf(withCors).toBeCallableWith(handler, { origins: ['https://app.example.com'] });
  });
});
