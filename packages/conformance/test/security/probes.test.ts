/**
 * Every known CORS misconfiguration probe, over real HTTP, against every adapter: with an allowlist
 * and credentials on, a hostile Origin gets neither Access-Control-Allow-Origin nor
 * Access-Control-Allow-Credentials, on a GET or on a preflight, and none of its bytes come back in
 * any response header. Requests go over a bare socket so that CR, LF, NUL, raw UTF-8 and duplicated
 * Origin lines reach the server exactly as an attacker would send them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps, type RunningApp } from '../../src/apps/index.js';
import {
  ALLOWED_LOOPBACK_ORIGINS,
  ALLOWED_ORIGINS,
  LOOPBACK_POLICY,
  LOOPBACK_PROBES,
  ORIGIN_PROBES,
  PROBED_POLICY,
  type OriginProbe,
} from '../../src/security/probes.js';
import {
  corsLines,
  headerValues,
  rawExchange,
  rawRequest,
  type RawHeaderLine,
  type RawReply,
} from '../../src/security/raw.js';

const PREFLIGHT: RawHeaderLine[] = [
  ['Access-Control-Request-Method', 'PUT'],
  ['Access-Control-Request-Headers', 'content-type'],
];

function originLines(probe: OriginProbe): (RawHeaderLine | string)[] {
  if (probe.rawLine !== undefined) return [probe.rawLine];
  return probe.origins.map((origin) => ['Origin', origin] as const);
}

async function sendProbe(app: RunningApp, probe: OriginProbe, preflight: boolean) {
  const method = preflight ? 'OPTIONS' : 'GET';
  const lines = [...originLines(probe), ...(preflight ? PREFLIGHT : [])];
  return rawExchange(app.port, rawRequest(method, '/api/hello', lines));
}

/** What every refused probe must look like, whatever the adapter. */
function expectRefused(reply: RawReply, probe: OriginProbe, preflight: boolean): void {
  // Either Node's parser refused the request (400), or the adapter answered it without CORS.
  expect(reply.status, reply.head).toBeGreaterThan(0);
  if (preflight) expect([400, 403]).toContain(reply.status);
  else expect([200, 400]).toContain(reply.status);
  expect(headerValues(reply, 'access-control-allow-origin')).toEqual([]);
  expect(headerValues(reply, 'access-control-allow-credentials')).toEqual([]);
  // A refused preflight grants nothing else either.
  if (preflight) expect(corsLines(reply)).toEqual([]);
  if (probe.needle !== undefined) {
    const needle = Buffer.isBuffer(probe.needle) ? probe.needle.toString('latin1') : probe.needle;
    expect(reply.head.includes(needle), `the response headers echo ${JSON.stringify(needle)}`).toBe(
      false,
    );
  }
  expect(headerValues(reply, 'set-cookie').join()).not.toContain('injected');
}

describe.each(adapterApps)('$name', (adapter) => {
  let app: RunningApp;
  let loopback: RunningApp;

  beforeAll(async () => {
    app = await adapter.start({ policy: PROBED_POLICY });
    loopback = await adapter.start({ policy: LOOPBACK_POLICY });
  });

  afterAll(async () => {
    await Promise.all([app?.close(), loopback?.close()]);
  });

  // Controls: the same requests with an allowed origin are granted, so silence above means refusal.
  describe('grants a listed origin (control)', () => {
    it.each(ALLOWED_ORIGINS)('%s on GET and on a preflight', async (origin) => {
      const get = await rawExchange(
        app.port,
        rawRequest('GET', '/api/hello', [['Origin', origin]]),
      );
      expect(get.status).toBe(200);
      expect(headerValues(get, 'access-control-allow-origin')).toEqual([origin]);
      expect(headerValues(get, 'access-control-allow-credentials')).toEqual(['true']);
      const options = await rawExchange(
        app.port,
        rawRequest('OPTIONS', '/api/hello', [['Origin', origin], ...PREFLIGHT]),
      );
      expect(options.status).toBe(204);
      expect(headerValues(options, 'access-control-allow-origin')).toEqual([origin]);
      expect(headerValues(options, 'access-control-allow-credentials')).toEqual(['true']);
    });

    it.each(ALLOWED_LOOPBACK_ORIGINS)('%s in its canonical form', async (origin) => {
      for (const preflight of [false, true]) {
        const reply = await rawExchange(
          loopback.port,
          rawRequest(preflight ? 'OPTIONS' : 'GET', '/api/hello', [
            ['Origin', origin],
            ...(preflight ? PREFLIGHT : []),
          ]),
        );
        expect(reply.status).toBe(preflight ? 204 : 200);
        expect(headerValues(reply, 'access-control-allow-origin')).toEqual([origin]);
        expect(headerValues(reply, 'access-control-allow-credentials')).toEqual(['true']);
      }
    });
  });

  describe('does not grant GET to', () => {
    it.each(ORIGIN_PROBES)('$attack', async (probe) => {
      expectRefused(await sendProbe(app, probe, false), probe, false);
    });
  });

  describe('does not grant a preflight to', () => {
    it.each(ORIGIN_PROBES)('$attack', async (probe) => {
      expectRefused(await sendProbe(app, probe, true), probe, true);
    });
  });

  describe('does not grant an alternative spelling of a listed loopback address:', () => {
    it.each(LOOPBACK_PROBES)('$attack', async (probe) => {
      expectRefused(await sendProbe(loopback, probe, false), probe, false);
      expectRefused(await sendProbe(loopback, probe, true), probe, true);
    });
  });

  it('still serves after every probe (no probe crashed it)', async () => {
    const reply = await rawExchange(
      app.port,
      rawRequest('GET', '/api/hello', [['Origin', 'https://app.example.com']]),
    );
    expect(reply.status).toBe(200);
    expect(headerValues(reply, 'access-control-allow-origin')).toEqual(['https://app.example.com']);
  });
});
