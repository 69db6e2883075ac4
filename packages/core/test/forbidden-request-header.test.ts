/** Fetch §2.2.2 "forbidden request-header", the one definition the policy check and the doctor share. */
import { describe, expect, it } from 'vitest';
import { isForbiddenRequestHeader } from '../src/index.js';

describe('isForbiddenRequestHeader', () => {
  it.each(['Cookie', 'origin', 'HOST', 'Content-Length', 'Proxy-Authorization', 'Sec-Fetch-Mode'])(
    'forbids %s, in any case',
    (name) => {
      expect(isForbiddenRequestHeader(name)).toBe(true);
    },
  );

  it.each(['Content-Type', 'Authorization', 'X-Custom', 'Access-Control-Request-Private-Network'])(
    'lets a page set %s (the Private Network Access header is not in the Fetch list)',
    (name) => {
      expect(isForbiddenRequestHeader(name)).toBe(false);
    },
  );

  it('forbids a method-override header only when its value names a forbidden method', () => {
    expect(isForbiddenRequestHeader('X-HTTP-Method-Override', 'trace')).toBe(true);
    expect(isForbiddenRequestHeader('x-method-override', 'PUT, CONNECT')).toBe(true);
    expect(isForbiddenRequestHeader('X-HTTP-Method', 'PATCH')).toBe(false);
    expect(isForbiddenRequestHeader('X-HTTP-Method-Override')).toBe(false);
  });
});
