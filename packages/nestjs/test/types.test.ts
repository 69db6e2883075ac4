/**
 * The public types, checked by `tsc` (typecheck includes test/): what `forRoot`, `forRootAsync`
 * and `@Cors()` accept and refuse.
 */
import { createCorsPolicy } from '@cors/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  Cors,
  CorsModule,
  type CorsModuleForRootOptions,
  type CorsRouteOptions,
} from '../src/index.js';

describe('types', () => {
  it('forRoot takes the core options, onDecision and isGlobal, or a prebuilt policy', () => {
    CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true, isGlobal: true });
    CorsModule.forRoot({
      origin: '*',
      onDecision: (decision, req) => void [decision.reason, req.url],
    });
    CorsModule.forRoot({ policy: createCorsPolicy({ origin: ['https://app.example.com'] }) });
    // @ts-expect-error origin is required: there is no silent default.
    CorsModule.forRoot({ credentials: true });
    expectTypeOf<{
      origin: string[];
      isGlobal: boolean;
    }>().toMatchTypeOf<CorsModuleForRootOptions>();
  });

  it('forRootAsync takes a factory with injected dependencies', () => {
    CorsModule.forRootAsync({
      inject: ['SETTINGS'],
      useFactory: (settings: { origins: string[] }) => ({ origin: settings.origins }),
      isGlobal: true,
    });
  });

  it('@Cors takes options, a policy or a boolean, and decorates classes and methods', () => {
    expectTypeOf(Cors).parameter(0).toEqualTypeOf<CorsRouteOptions>();
    expectTypeOf(Cors(false)).toMatchTypeOf<ClassDecorator>();
    expectTypeOf(Cors(true)).toMatchTypeOf<MethodDecorator>();
    // @ts-expect-error a string is not a policy.
    void (() => Cors('https://app.example.com'));
  });
});
