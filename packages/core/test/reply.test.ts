// The CORS step on a Fastify-style reply (runCorsOnReply, protectReply), on a real node:http
// response under a reply that keeps its headers apart until it writes the head, as Fastify's does.
// @cors/fastify and @cors/nestjs replay the spec table over real Fastify on top of this.
import http from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  corsDisabledDecision,
  corsRequestFromHeaderRecord,
  createCorsPolicy,
  keepVary,
  protectReply,
  runCorsOnReply,
  writeCorsDecision,
  replyHeaderTarget,
  type CorsDecision,
  type CorsReply,
  type CrossOriginProtection,
} from '../src/index.js';

const APP = 'https://app.example.com';

/** A reply over a real node response: headers kept apart, sent in one writeHead(status, headers). */
class Reply implements CorsReply {
  readonly raw = new http.ServerResponse(new http.IncomingMessage(new Socket()));
  readonly store: Record<string, string> = {};
  status = 200;
  body: string | undefined;
  getHeader(name: string): string | undefined {
    return this.store[name.toLowerCase()];
  }
  header(name: string, value: string): this {
    this.store[name.toLowerCase()] = value;
    return this;
  }
  removeHeader(name: string): this {
    delete this.store[name.toLowerCase()];
    return this;
  }
  code(status: number): this {
    this.status = status;
    return this;
  }
  headers(values: Readonly<Record<string, string>>): this {
    for (const [name, value] of Object.entries(values)) this.header(name, value);
    return this;
  }
  send(body?: string): void {
    this.body = body;
    this.raw.writeHead(this.status, { ...this.store });
  }
  /** The head as Node wrote it: lower-case name → value. */
  head(): Record<string, string> {
    const text = (this.raw as unknown as { _header: string })._header;
    return Object.fromEntries(
      text
        .split('\r\n')
        .slice(1)
        .filter((line) => line.includes(':'))
        .map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 2),
        ]),
    );
  }
}

function message(method: string, headers: Record<string, string>) {
  return { method, url: '/orders', headers, socket: { remoteAddress: '127.0.0.1' } };
}

const run = (
  policy: Parameters<typeof runCorsOnReply>[0],
  method: string,
  headers: Record<string, string>,
  reply = new Reply(),
  listeners = {},
) => {
  const req = message(method, headers);
  const corsRequest = corsRequestFromHeaderRecord(method, headers);
  return { reply, result: runCorsOnReply(policy, corsRequest, reply, req, req, listeners) };
};

describe('runCorsOnReply', () => {
  const policy = createCorsPolicy({ origin: [APP], credentials: true, methods: ['GET', 'PUT'] });

  it("writes an allowed request's headers on the reply, never on the node response, and lets it go on", () => {
    const { reply, result } = run(policy, 'GET', { origin: APP });
    expect(result).toBe(false);
    expect(reply.store).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(reply.raw.getHeaderNames()).toEqual([]);
    // The route replaces Vary on the reply; the head still carries Origin.
    reply.header('vary', 'Accept-Encoding').send('ok');
    expect(reply.head().vary).toBe('Accept-Encoding, Origin');
  });

  it('answers a preflight on the reply and says the request was answered', () => {
    const { reply, result } = run(policy, 'OPTIONS', {
      origin: APP,
      'access-control-request-method': 'PUT',
    });
    expect(result).toBe(true);
    expect(reply.status).toBe(204);
    expect(reply.head()['access-control-allow-methods']).toBe('PUT');
  });

  it('decides as a CORS-off route without a policy, and tells the listener with its request', () => {
    const onDecision = vi.fn();
    const req = message('GET', { origin: APP });
    const reply = new Reply();
    const result = runCorsOnReply(
      null,
      corsRequestFromHeaderRecord('GET', req.headers),
      reply,
      req,
      req,
      {
        onDecision,
      },
    );
    expect(result).toBe(false);
    expect((onDecision.mock.calls[0]?.[0] as CorsDecision).reason).toBe('cors-disabled');
    expect(onDecision.mock.calls[0]?.[1]).toBe(req);
    expect(reply.store['access-control-allow-origin']).toBeUndefined();
  });

  it('waits for an async origin function', async () => {
    const async = createCorsPolicy({ origin: async (origin: string) => origin === APP });
    const { reply, result } = run(async, 'GET', { origin: APP });
    await expect(result).resolves.toBe(false);
    expect(reply.store['access-control-allow-origin']).toBe(APP);
  });

  it("refuses a cross-site write with the policy's cross-origin protection, over the CORS headers", () => {
    const guarded = createCorsPolicy({ origin: [APP], crossOriginProtection: true });
    const onCrossOriginDecision = vi.fn();
    const { reply, result } = run(
      guarded,
      'POST',
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      new Reply(),
      { onCrossOriginDecision },
    );
    expect(result).toBe(true);
    expect(reply.status).toBe(403);
    expect(reply.head().vary).toBe('Origin');
    expect(onCrossOriginDecision.mock.calls[0]?.[0]).toMatchObject({ allowed: false });
  });

  it('lets a same-origin write through the protection', () => {
    const guarded = createCorsPolicy({ origin: [APP], crossOriginProtection: true });
    const { result } = run(guarded, 'POST', { origin: APP, 'sec-fetch-site': 'same-origin' });
    expect(result).toBe(false);
  });
});

describe('protectReply', () => {
  it('sends nothing when the check passes, and the refusal body when it does not', () => {
    const { crossOriginProtection } = createCorsPolicy({
      origin: [APP],
      crossOriginProtection: true,
    });
    const protection = crossOriginProtection as CrossOriginProtection;
    const safe = message('GET', { 'sec-fetch-site': 'cross-site' });
    const reply = new Reply();
    expect(protectReply(protection, reply, safe, safe, undefined)).toBe(false);
    const write = message('DELETE', { 'sec-fetch-site': 'cross-site' });
    expect(protectReply(protection, reply, write, write, undefined)).toBe(true);
    expect([reply.status, typeof reply.body]).toEqual([403, 'string']);
  });
});

describe('CORS headers written on a reply are kept on the node response when asked', () => {
  const policy = createCorsPolicy({ origin: [APP] });
  const allowed = policy.decide({ method: 'GET', origin: APP }) as CorsDecision;

  it("are not, by default: a head written on Fastify's raw response (a hijacked reply) is the handler's", () => {
    const { reply } = run(policy, 'GET', { origin: APP });
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    expect(reply.head()).toMatchObject({ 'content-type': 'text/plain', vary: 'Origin' });
    expect(reply.head()['access-control-allow-origin']).toBeUndefined();
  });

  it('are kept by runCorsOnReply with keepHeaders, as Nest on Fastify asks', () => {
    const reply = new Reply();
    const req = message('GET', { origin: APP });
    const corsRequest = corsRequestFromHeaderRecord('GET', req.headers);
    expect(runCorsOnReply(policy, corsRequest, reply, req, req, {}, true)).toBe(false);
    reply.raw.writeHead(500, {});
    expect(reply.head()['access-control-allow-origin']).toBe(APP);
  });

  it('adds them to a head the framework rebuilt without them (Nest answering a middleware error)', () => {
    const reply = new Reply();
    writeCorsDecision(replyHeaderTarget(reply), reply.raw, allowed, false, true);
    reply.raw.writeHead(500, { 'content-type': 'application/json' });
    expect(reply.head()).toMatchObject({ 'access-control-allow-origin': APP, vary: 'Origin' });
  });

  it('leaves a head or a response that has them alone', () => {
    const reply = new Reply();
    writeCorsDecision(replyHeaderTarget(reply), reply.raw, allowed, false, true);
    reply.raw.setHeader('access-control-allow-origin', 'https://other.example');
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    expect(reply.head()['access-control-allow-origin']).toBe('https://other.example');
    const second = new Reply();
    writeCorsDecision(replyHeaderTarget(second), second.raw, allowed, false, true);
    second.raw.writeHead(200, { 'access-control-allow-origin': '*' });
    expect(second.head()['access-control-allow-origin']).toBe('*');
  });

  it("keeps a public policy's headers, which vary on nothing", () => {
    const reply = new Reply();
    const open = createCorsPolicy({ origin: '*' }).decide({ method: 'GET', origin: APP });
    writeCorsDecision(replyHeaderTarget(reply), reply.raw, open as CorsDecision, false, true);
    reply.raw.writeHead(404, {});
    expect(reply.head()['access-control-allow-origin']).toBe('*');
  });

  it('wraps nothing for a decision with no header and no Vary', () => {
    const reply = new Reply();
    const before = Object.getOwnPropertySymbols(reply.raw).length;
    const none = corsDisabledDecision({ method: 'GET' });
    writeCorsDecision(replyHeaderTarget(reply), reply.raw, none, false, true);
    expect(Object.getOwnPropertySymbols(reply.raw)).toHaveLength(before);
  });

  it('forgets them when a later decision on the response itself replaces the first', () => {
    const reply = new Reply();
    writeCorsDecision(replyHeaderTarget(reply), reply.raw, allowed, false, true);
    keepVary(reply.raw, 'Origin');
    reply.raw.writeHead(500, {});
    expect(reply.head()['access-control-allow-origin']).toBeUndefined();
  });
});
