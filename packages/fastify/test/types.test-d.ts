/**
 * The types users write against: the route config is typed through declaration merging, and the
 * plugin's options through `fastify.register`.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { createCorsPolicy, type CorsDecision } from '@cors/core';
import { describe, expectTypeOf, it } from 'vitest';
import corsPlugin, { corsPlugin as named, type FastifyRouteCorsConfig } from '../src/index.js';

const app = Fastify();

describe('route config', () => {
  it('types config.cors on routes and requests', () => {
    app.get('/a', { config: { cors: false } }, async () => 'a');
    app.get('/b', { config: { cors: { origin: ['https://admin.example.com'] } } }, async () => 'b');
    app.get('/c', { config: { cors: createCorsPolicy({ origin: '*' }) } }, async () => 'c');
    app.route({
      method: 'PUT',
      url: '/d',
      config: { cors: { origin: '*', maxAge: 600 } },
      handler: async () => 'd',
    });
    app.get('/e', async (request) => {
      expectTypeOf(request.routeOptions.config.cors).toEqualTypeOf<
        FastifyRouteCorsConfig | undefined
      >();
      return 'e';
    });

    // @ts-expect-error: `true` is not a policy; leave `cors` out to use the plugin's.
    app.get('/f', { config: { cors: true } }, async () => 'f');
    // @ts-expect-error: an origin is a string, a RegExp or a function.
    app.get('/g', { config: { cors: { origin: 42 } } }, async () => 'g');
    // @ts-expect-error: a route policy needs its origin too.
    app.get('/h', { config: { cors: { methods: ['GET'] } } }, async () => 'h');
    // @ts-expect-error: methods are strings.
    app.get('/i', { config: { cors: { origin: '*', methods: [1] } } }, async () => 'i');
  });
});

describe('plugin options', () => {
  it('accepts the core options plus the plugin options', () => {
    void app.register(corsPlugin, {
      origin: ['https://app.example.com'],
      credentials: true,
      hook: 'preValidation',
      hideOptionsRoute: false,
      logLevel: 'silent',
      onDecision: (decision, request) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
      },
    });
    void app.register(named, { policy: createCorsPolicy({ origin: '*' }), hook: 'preHandler' });
    void app.register(corsPlugin, createCorsPolicy({ origin: '*' }));
  });

  it('rejects what the plugin would refuse', () => {
    // @ts-expect-error: onSend cannot answer a preflight before the route.
    void app.register(corsPlugin, { origin: '*', hook: 'onSend' });
    // @ts-expect-error: a policy and options together.
    void app.register(corsPlugin, { policy: createCorsPolicy({ origin: '*' }), origin: '*' });
    // @ts-expect-error: the origin is required.
    void app.register(corsPlugin, { credentials: true });
  });
});
