/**
 * settleCors: the callbacks after handleCors, for frameworks whose hooks go on, stop and fail
 * through callbacks (as @cors/nestjs's Express and Fastify hooks do).
 */
import { describe, expect, it } from 'vitest';
import { settleCors } from '../src/index.js';

function outcome() {
  const calls: string[] = [];
  return {
    calls,
    proceed: () => calls.push('proceed'),
    end: () => calls.push('end'),
    fail: (error: unknown) => calls.push(`fail:${String(error)}`),
  };
}

describe('settleCors', () => {
  it('goes on or ends at once when the request was handled synchronously', () => {
    const goOn = outcome();
    settleCors(() => false, goOn);
    expect(goOn.calls).toEqual(['proceed']);
    const ended = outcome();
    settleCors(() => true, ended);
    expect(ended.calls).toEqual(['end']);
  });

  it('does nothing more for an ended response when no end callback is given', () => {
    const calls: string[] = [];
    settleCors(() => true, {
      proceed: () => calls.push('proceed'),
      fail: () => calls.push('fail'),
    });
    expect(calls).toEqual([]);
  });

  it('waits for a promise, then goes on or ends', async () => {
    const goOn = outcome();
    settleCors(() => Promise.resolve(false), goOn);
    expect(goOn.calls).toEqual([]);
    await Promise.resolve();
    expect(goOn.calls).toEqual(['proceed']);
    const ended = outcome();
    settleCors(() => Promise.resolve(true), ended);
    await Promise.resolve();
    expect(ended.calls).toEqual(['end']);
  });

  it('sends what the handling throws or rejects with to fail, instead of letting it escape', async () => {
    const thrown = outcome();
    settleCors(() => {
      throw new Error('origin function failed');
    }, thrown);
    expect(thrown.calls).toEqual(['fail:Error: origin function failed']);
    const rejected = outcome();
    settleCors(() => Promise.reject(new Error('async origin failed')), rejected);
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejected.calls).toEqual(['fail:Error: async origin failed']);
  });
});
