/**
 * Type-level tests: `tsc -p tsconfig.test.json` (the typecheck script) proves them; at run time
 * they only build the objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import connect from 'connect';
import express, { type RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import { cors, handleCors, type CorsMiddleware, type NodeCorsOptions } from '../src/index.js';

describe('types', () => {
  it('the middleware is an Express request handler and a Connect handler', () => {
    const middleware = cors({ origin: ['https://app.example.com'] });
    expectTypeOf(middleware).toEqualTypeOf<CorsMiddleware>();
    expectTypeOf(middleware).toExtend<RequestHandler>();
    expectTypeOf(middleware).toExtend<connect.NextHandleFunction>();
    express().use(middleware);
    express().use('/api', middleware);
    express.Router().use(middleware);
    express().options('/x', middleware);
    connect().use(middleware);
    connect().use('/api', middleware);
  });

  it('onDecision receives the decision and the request', () => {
    const options: NodeCorsOptions = {
      origin: '*',
      onDecision: (decision, req) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(req).toEqualTypeOf<IncomingMessage>();
      },
    };
    cors(options);
  });

  it('handleCors returns a boolean for a synchronous policy and a promise for an async one', () => {
    const req = {} as IncomingMessage;
    const res = {} as ServerResponse;
    const sync = createCorsPolicy({ origin: ['https://app.example.com'] });
    const async = createCorsPolicy({
      origin: async (origin: string) => origin.endsWith('.example.com'),
    });
    expectTypeOf(handleCors).toBeCallableWith(req, res, sync);
    const a = (): boolean => handleCors(req, res, sync);
    const b = (): Promise<boolean> => handleCors(req, res, async);
    expectTypeOf(a).returns.toEqualTypeOf<boolean>();
    expectTypeOf(b).returns.toEqualTypeOf<Promise<boolean>>();
  });

  it('refuses a policy option the core does not know', () => {
    // @ts-expect-error: 'origins' is not an option (the core names the fix at run time too).
    expectTypeOf(cors).toBeCallableWith({ origins: ['https://app.example.com'] });
  });
});
