/**
 * How every adapter reads what it is given: a policy, a selector, or options holding the core's
 * options or `policy` next to the adapter's own, each checked once, at start-up.
 */
import { describe, expect, it } from 'vitest';
import {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  createCorsPolicy,
  isCorsConfigError,
  readAdapterOptions,
  readProtectionOptions,
  type AdapterOptionSpec,
} from '../src/index.js';

const APP = 'https://app.example.com';
const policy = createCorsPolicy({ origin: [APP] });
const SPEC: Record<string, AdapterOptionSpec> = {
  hook: ['onRequest', 'preHandler'],
  hideOptionsRoute: 'boolean',
  logLevel: 'string',
};

function adapterError(options: unknown, spec = SPEC): CorsAdapterError {
  try {
    readAdapterOptions('@cors/x', options, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(CorsAdapterError);
    expect((error as CorsAdapterError).code).toBe(ERR_CORS_ADAPTER_OPTIONS);
    return error as CorsAdapterError;
  }
  throw new Error('expected an adapter error');
}

describe('readAdapterOptions', () => {
  it('takes a policy or a selector as it is, with no options of the adapter', () => {
    const select = () => policy;
    expect(readAdapterOptions('@cors/x', policy)).toEqual({ source: policy, own: {} });
    expect(readAdapterOptions('@cors/x', select, SPEC)).toEqual({ source: select, own: {} });
  });

  it("compiles the core's options once the adapter's own are taken out", () => {
    const onDecision = () => undefined;
    const { source, own } = readAdapterOptions(
      '@cors/x',
      {
        origin: [APP],
        hook: 'preHandler',
        onDecision,
      },
      SPEC,
    );
    expect(own).toEqual({ hook: 'preHandler', onDecision });
    expect(source).not.toBe(policy);
    expect((source as typeof policy).decide({ method: 'GET', origin: APP }).allowed).toBe(true);
  });

  it('lets the core report its own options, unknown ones included', () => {
    let caught: unknown;
    try {
      readAdapterOptions('@cors/x', { origin: [APP], hok: 'preHandler' }, SPEC);
    } catch (error) {
      caught = error;
    }
    expect(isCorsConfigError(caught)).toBe(true);
    expect((caught as Error).message).toContain('hok');
  });

  it('takes `policy` (a policy or a selector) with the options of the adapter', () => {
    const onDecision = () => undefined;
    expect(readAdapterOptions('@cors/x', { policy, onDecision, logLevel: 'warn' }, SPEC)).toEqual({
      source: policy,
      own: { onDecision, logLevel: 'warn' },
    });
  });

  it('refuses what is not options at all, saying what is expected', () => {
    expect(adapterError('origin').message).toMatch(
      /^@cors\/x: expected the CORS options.*got string\.$/,
    );
    expect(adapterError(null).message).toMatch(/got null\.$/);
    expect(adapterError([APP]).option).toBe('options');
  });

  it('refuses a value outside the list, naming every allowed one', () => {
    const error = adapterError({ origin: [APP], hook: 'onSend' });
    expect(error.option).toBe('hook');
    expect(error.message).toBe(
      "@cors/x: `hook` must be one of 'onRequest', 'preHandler'; got \"onSend\".",
    );
  });

  it('refuses a value of the wrong type', () => {
    expect(adapterError({ origin: [APP], hideOptionsRoute: 'yes' }).message).toMatch(
      /`hideOptionsRoute` must be true or false; got string/,
    );
    expect(adapterError({ origin: [APP], logLevel: [10] }).message).toMatch(
      /`logLevel` must be a string; got an array/,
    );
  });

  it('refuses an onDecision that is not a function', () => {
    expect(adapterError({ origin: [APP], onDecision: 'log' }).option).toBe('onDecision');
    expect(adapterError({ origin: [APP], onDecision: null }).message).toMatch(/got null/);
  });

  it('takes onCrossOriginDecision out of the options, as onDecision, before the core sees them', () => {
    const onCrossOriginDecision = () => undefined;
    const { source, own } = readAdapterOptions('@cors/x', {
      origin: [APP],
      crossOriginProtection: true,
      onCrossOriginDecision,
    });
    expect(own).toEqual({ onCrossOriginDecision });
    expect((source as typeof policy).crossOriginProtection).not.toBeNull();
    const error = adapterError({ origin: [APP], onCrossOriginDecision: 'log' });
    expect(error.option).toBe('onCrossOriginDecision');
    expect(error.message).toMatch(/^@cors\/x: `onCrossOriginDecision` must be a function/);
  });

  it('fills the listeners that options leave out from the second argument', () => {
    const mine = () => undefined;
    const theirs = () => undefined;
    const second = { onDecision: theirs, onCrossOriginDecision: theirs };
    expect(
      readAdapterOptions('@cors/x', { origin: [APP], onDecision: mine }, {}, second).own,
    ).toEqual({ onDecision: mine, onCrossOriginDecision: theirs });
    // With a policy or a selector, the second argument is where the listeners are given.
    expect(readAdapterOptions('@cors/x', policy, {}, second)).toEqual({
      source: policy,
      own: second,
    });
    expect(readAdapterOptions('@cors/x', policy, {}, undefined)).toEqual({
      source: policy,
      own: {},
    });
    let caught: unknown;
    try {
      readAdapterOptions('@cors/x', policy, {}, { onCrossOriginDecision: 42 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      option: 'onCrossOriginDecision',
      code: ERR_CORS_ADAPTER_OPTIONS,
    });
  });

  it('refuses a policy that is not one, and a policy given with options of the core', () => {
    expect(adapterError({ policy: { origin: [APP] } }).message).toMatch(
      /`policy` must be a policy made by createCorsPolicy\(\)/,
    );
    expect(adapterError({ policy, origin: [APP], credentials: true }).message).toMatch(
      /either `policy` or the core's options, not both \(found origin, credentials\)/,
    );
  });
});

describe('an option spec that refuses', () => {
  it('throws the fix for an option that has no effect on the adapter', () => {
    const error = adapterError(
      { origin: [APP], prefix: '/api' },
      { prefix: { refused: 'mount it.' } },
    );
    expect(error.option).toBe('prefix');
    expect(error.message).toBe('@cors/x: mount it.');
    expect(
      readAdapterOptions('@cors/x', { origin: [APP] }, { prefix: { refused: 'x' } }).own,
    ).toEqual({});
  });
});

describe('readProtectionOptions', () => {
  it('compiles the protection and takes out the listener, checked', () => {
    const onCrossOriginDecision = () => undefined;
    const read = readProtectionOptions('@cors/x', {
      bypass: ['POST /hook'],
      onCrossOriginDecision,
    });
    expect(read.onCrossOriginDecision).toBe(onCrossOriginDecision);
    expect(typeof read.protection.check).toBe('function');
    expect(readProtectionOptions('@cors/x').onCrossOriginDecision).toBeUndefined();
    expect(() =>
      readProtectionOptions('@cors/x', { onCrossOriginDecision: 'log' as never }),
    ).toThrow(expect.objectContaining({ option: 'onCrossOriginDecision' }) as Error);
    expect(() => readProtectionOptions('@cors/x', { bypass: 'nope' as never })).toThrow(
      /crossOrigin|bypass/,
    );
  });
});
