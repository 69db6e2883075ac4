/**
 * The shared spec table, typed. Adapters import it with a relative path (it is test data, not part
 * of the published package) and replay each vector over real HTTP.
 */
import data from './vectors.json' with { type: 'json' };
import type { CorsDecision, CorsOptions, CorsRequest } from '../src/index.js';

export interface SpecVector {
  readonly name: string;
  readonly policy: string;
  readonly request: CorsRequest;
  readonly expect: Pick<
    CorsDecision,
    'kind' | 'allowed' | 'reason' | 'headers' | 'vary' | 'end' | 'status'
  >;
}

export const specPolicies = data.policies as unknown as Readonly<Record<string, CorsOptions>>;
export const specVectors = data.vectors as unknown as readonly SpecVector[];
