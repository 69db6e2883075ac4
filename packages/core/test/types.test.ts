import { describe, expectTypeOf, it } from 'vitest';
import {
  createCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type OriginEntry,
} from '../src/index.js';

describe('types', () => {
  it('a policy without functions decides synchronously', () => {
    const policy = createCorsPolicy({ origin: ['https://a.example'], credentials: true });
    expectTypeOf(policy.decide({ method: 'GET' })).toEqualTypeOf<CorsDecision>();
  });

  it('an async origin or credentials function makes decide return a promise', () => {
    const byOrigin = createCorsPolicy({ origin: async (origin: string) => origin.length > 0 });
    expectTypeOf(byOrigin.decide({ method: 'GET' })).toEqualTypeOf<Promise<CorsDecision>>();
    const inList = createCorsPolicy({ origin: ['https://a.example', async () => true] });
    expectTypeOf(inList.decide({ method: 'GET' })).toEqualTypeOf<Promise<CorsDecision>>();
    const byCredentials = createCorsPolicy({
      origin: 'https://a.example',
      credentials: async () => true,
    });
    expectTypeOf(byCredentials.decide({ method: 'GET' })).toEqualTypeOf<Promise<CorsDecision>>();
  });

  it('a synchronous function keeps decide synchronous', () => {
    const policy = createCorsPolicy({
      origin: (origin: string) => origin.endsWith('.example.com'),
    });
    expectTypeOf(policy.decide({ method: 'GET' })).toEqualTypeOf<CorsDecision>();
  });

  it("does not type-check credentials or Private Network Access with origin '*'", () => {
    const refuse = (build: () => unknown) => expectTypeOf(build).toBeFunction();
    // @ts-expect-error credentials cannot go with origin '*'
    refuse(() => createCorsPolicy({ origin: '*', credentials: true }));
    // @ts-expect-error nor a credentials function
    refuse(() => createCorsPolicy({ origin: '*', credentials: () => true }));
    // @ts-expect-error Private Network Access needs specific origins
    refuse(() => createCorsPolicy({ origin: '*', allowPrivateNetwork: true }));
    expectTypeOf(
      createCorsPolicy({ origin: '*', credentials: false }).options.origin,
    ).toEqualTypeOf<'*' | readonly OriginEntry[]>();
  });

  it('requires origin', () => {
    // @ts-expect-error origin is required
    const missing: CorsOptions = { credentials: true };
    void missing;
  });

  it('types decision headers by their lower-case names', () => {
    const decision = createCorsPolicy({ origin: '*' }).decide({ method: 'GET' });
    expectTypeOf(decision.headers['access-control-allow-origin']).toEqualTypeOf<
      string | undefined
    >();
    // @ts-expect-error not a CORS response header
    void decision.headers['x-powered-by'];
  });
});
