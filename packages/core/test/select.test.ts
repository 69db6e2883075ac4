import { describe, expect, it } from 'vitest';
import {
  CorsError,
  ERR_CORS_SELECTOR_RESULT,
  createCorsPolicy,
  selectedPolicy,
} from '../src/index.js';

describe('selectedPolicy', () => {
  it('passes a compiled policy through unchanged', () => {
    const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
    expect(selectedPolicy(policy)).toBe(policy);
  });

  it.each([
    ['options', { origin: ['https://app.example.com'] }, 'not a compiled policy'],
    ['undefined', undefined, 'returned undefined'],
    ['null', null, 'returned null'],
    ['a string', 'https://app.example.com', 'returned string'],
  ])('refuses %s with a CorsError that says to return a compiled policy', (_, value, said) => {
    let thrown: unknown;
    try {
      selectedPolicy(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorsError);
    expect((thrown as CorsError).code).toBe(ERR_CORS_SELECTOR_RESULT);
    expect((thrown as CorsError).message).toContain(said);
    expect((thrown as CorsError).message).toContain('createCorsPolicy');
  });
});
