/**
 * The plugin's options are checked once, at registration: a mistake fails start-up with an error
 * that says what to write instead.
 */
import Fastify from 'fastify';
import { CorsError, createCorsPolicy, isCorsConfigError } from '@cors/core';
import { describe, expect, it } from 'vitest';
import corsPlugin, { type FastifyCorsOptions } from '../src/index.js';

const APP = 'https://app.example.com';

async function registrationError(options: unknown): Promise<unknown> {
  const app = Fastify();
  try {
    await app.register(corsPlugin, options as FastifyCorsOptions);
    await app.ready();
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
  return undefined;
}

describe('plugin options', () => {
  it('accepts a policy made by createCorsPolicy, alone or with the plugin options', async () => {
    const policy = createCorsPolicy({ origin: [APP], exposedHeaders: ['X-Total'] });
    for (const options of [policy, { policy, hook: 'preHandler' as const }]) {
      const app = Fastify();
      try {
        await app.register(corsPlugin, options);
        app.get('/x', async () => 'x');
        const response = await app.inject({ url: '/x', headers: { origin: APP } });
        expect(response.headers['access-control-allow-origin']).toBe(APP);
        expect(response.headers['access-control-expose-headers']).toBe('x-total');
      } finally {
        await app.close();
      }
    }
  });

  it('fails start-up with a CorsConfigError listing every problem of the core options', async () => {
    const error = await registrationError({
      origin: ['https://app.example.com/', '*'],
      credentials: true,
      hook: 'onRequest',
      onDecision: () => undefined,
    });
    expect(isCorsConfigError(error)).toBe(true);
    const codes = (error as { issues: { code: string }[] }).issues.map((issue) => issue.code);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(codes).toContain('origin_trailing_slash');
    // The plugin's own options were taken out before the core saw them.
    expect((error as Error).message).not.toContain('hook');
  });

  it('requires an origin: there is no silent default', async () => {
    const error = await registrationError({});
    expect(isCorsConfigError(error)).toBe(true);
    expect((error as { issues: { code: string }[] }).issues[0]?.code).toBe('origin_required');
  });

  it.each([
    [
      'an unknown hook',
      { origin: [APP], hook: 'onSend' },
      /`hook` must be one of 'onRequest', 'preParsing', 'preValidation', 'preHandler'/,
    ],
    [
      'a non-boolean hideOptionsRoute',
      { origin: [APP], hideOptionsRoute: 'yes' },
      /hideOptionsRoute/,
    ],
    ['a non-string logLevel', { origin: [APP], logLevel: 10 }, /logLevel/],
    ['a non-function onDecision', { origin: [APP], onDecision: 'log' }, /onDecision/],
    ['a policy that is not one', { policy: { origin: [APP] } }, /createCorsPolicy/],
    [
      'a policy and options together',
      { policy: createCorsPolicy({ origin: [APP] }), origin: [APP] },
      /either `policy` or the core's options/,
    ],
  ])('refuses %s', async (_name, options, message) => {
    const error = await registrationError(options);
    expect(error).toBeInstanceOf(CorsError);
    expect((error as CorsError).code).toBe('ERR_CORS_ADAPTER_OPTIONS');
    expect((error as Error).message).toMatch(message);
  });
});
