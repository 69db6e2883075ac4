/**
 * `--scan` against real servers: each peer as users misconfigure it is caught by the probe named
 * after the mistake, at the severity it deserves; our adapters with listed origins and credentials
 * give nothing of severity warning or high. A real nginx cache shows poisoning when the app forgets
 * `Vary: Origin`, and nothing when it does not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startNginx, type RunningNginx } from '../../conformance/src/security/nginx.js';
import { scan, scanProbes } from '../src/scan.js';
import type { Finding } from '../src/types.js';
import {
  oursFastify,
  oursKoa,
  oursNode,
  peerExpressCors,
  peerFastifyCors,
  peerHonoCors,
  peerKoaCors,
  raw,
  type RunningServer,
} from './servers.js';

const PAGE = 'https://app.example.com';
const started: RunningServer[] = [];
let nginx: RunningNginx | undefined;

afterAll(async () => {
  await nginx?.close();
  await Promise.all(started.map((server) => server.close()));
});

async function scanOf(server: Promise<RunningServer>, path = '/api'): Promise<Finding[]> {
  const running = await server;
  started.push(running);
  const result = await scan(`${running.base}${path}`, PAGE, { timeoutMs: 5000, token: 'test' });
  expect(result.probeError).toBeUndefined();
  return result.findings;
}

const serious = (findings: Finding[]) =>
  findings.filter((finding) => finding.severity === 'high' || finding.severity === 'warning');
const severityOf = (findings: Finding[], id: string) =>
  findings.find((finding) => finding.id === id)?.severity;

describe('scan probes', () => {
  it('derives every kind of hostile origin from the page origin', () => {
    const ids = new Set(scanProbes(PAGE, 't').map((probe) => probe.id));
    expect([...ids].sort()).toEqual(
      [
        'scan/allows-null',
        'scan/http-downgrade',
        'scan/post-domain',
        'scan/pre-domain',
        'scan/random-subdomain',
        'scan/reflects-any-origin',
        'scan/special-characters',
        'scan/third-party-hosting',
        'scan/unescaped-dot',
      ].sort(),
    );
    const origins = scanProbes(PAGE, 't').map((probe) => probe.origin);
    expect(origins).toContain('https://appxexample.com');
    expect(origins).toContain('https://app.examplexcom');
    expect(origins).toContain('https://evilexample.com');
    expect(origins).toContain('http://app.example.com');
    expect(origins).not.toContain(PAGE);
  });
});

describe('scan finds the peers as users misconfigure them', () => {
  it('cors with origin: true and credentials: reflects any origin, and null, with credentials', async () => {
    const findings = await scanOf(peerExpressCors({ origin: true, credentials: true }));
    expect(severityOf(findings, 'scan/reflects-any-origin')).toBe('high');
    expect(severityOf(findings, 'scan/allows-null')).toBe('high');
    expect(severityOf(findings, 'scan/third-party-hosting')).toBe('high');
  });

  it('@koa/cors with credentials and no origin: reflects any origin with credentials', async () => {
    const findings = await scanOf(peerKoaCors({ credentials: true }));
    expect(severityOf(findings, 'scan/reflects-any-origin')).toBe('high');
  });

  it('@fastify/cors with a suffix RegExp: lets a look-alike domain read with credentials', async () => {
    const findings = await scanOf(peerFastifyCors({ origin: /example\.com$/, credentials: true }));
    expect(severityOf(findings, 'scan/pre-domain')).toBe('high');
    expect(severityOf(findings, 'scan/http-downgrade')).toBe('high');
    expect(severityOf(findings, 'scan/reflects-any-origin')).toBeUndefined();
  });

  it('@fastify/cors with an unescaped dot: lets appxexample.com read', async () => {
    const findings = await scanOf(
      peerFastifyCors({ origin: /^https:\/\/app.example.com$/, credentials: true }),
    );
    expect(severityOf(findings, 'scan/unescaped-dot')).toBe('high');
    expect(severityOf(findings, 'scan/pre-domain')).toBeUndefined();
  });

  it('hono/cors reflecting with a function: reflects any origin with credentials', async () => {
    const findings = await scanOf(peerHonoCors({ origin: (origin) => origin, credentials: true }));
    expect(severityOf(findings, 'scan/reflects-any-origin')).toBe('high');
  });

  it("hono/cors by default: '*' is a note, not a vulnerability", async () => {
    const findings = await scanOf(peerHonoCors());
    expect(severityOf(findings, 'scan/wildcard')).toBe('info');
    expect(serious(findings)).toEqual([]);
  });

  it('cors with a list that allows null and *.vercel.app', async () => {
    const findings = await scanOf(
      peerExpressCors({ origin: [PAGE, 'null', /\.vercel\.app$/], credentials: true }),
    );
    expect(severityOf(findings, 'scan/allows-null')).toBe('high');
    expect(severityOf(findings, 'scan/third-party-hosting')).toBe('high');
    expect(severityOf(findings, 'scan/reflects-any-origin')).toBeUndefined();
  });

  it('a hand-written check that trusts any subdomain, without credentials: a note', async () => {
    const findings = await scanOf(
      raw((req, res) => {
        const origin = req.headers.origin ?? '';
        // Vary on every answer, refused ones included, or the scan rightly warns.
        res.setHeader('vary', 'Origin');
        if (/^https:\/\/([a-z0-9-]+\.)*app\.example\.com$/.test(origin))
          res.setHeader('access-control-allow-origin', origin);
        res.end('{}');
      }),
    );
    expect(severityOf(findings, 'scan/random-subdomain')).toBe('info');
    expect(serious(findings)).toEqual([]);
  });

  it('an answer that depends on Origin without Vary: Origin', async () => {
    const findings = await scanOf(
      raw((req, res) => {
        if (req.headers.origin === PAGE) res.setHeader('access-control-allow-origin', PAGE);
        res.end('{}');
      }),
    );
    expect(severityOf(findings, 'scan/missing-vary-origin')).toBe('warning');
  });
});

describe('scan finds nothing on our default policies', () => {
  const policy = { origin: [PAGE], credentials: true };

  it('@cors/node with a listed origin and credentials', async () => {
    expect(serious(await scanOf(oursNode(policy)))).toEqual([]);
  });

  it('@cors/fastify with a listed origin and credentials', async () => {
    expect(serious(await scanOf(oursFastify(policy)))).toEqual([]);
  });

  it('@cors/koa with a listed origin and credentials', async () => {
    expect(serious(await scanOf(oursKoa(policy)))).toEqual([]);
  });
});

describe('scan through a real shared cache (nginx proxy_cache)', () => {
  it('shows poisoning when the app reflects origins without Vary: Origin', async () => {
    const reflecting = await raw((req, res) => {
      if (req.headers.origin) res.setHeader('access-control-allow-origin', req.headers.origin);
      res.end('{}');
    });
    const ours = await oursNode({ origin: [PAGE], credentials: true });
    started.push(reflecting, ours);
    nginx = await startNginx({
      reflecting: Number(new URL(reflecting.base).port),
      ours: Number(new URL(ours.base).port),
    });
    const base = `http://127.0.0.1:${nginx.port}`;

    const poisoned = await scan(`${base}/reflecting/api`, PAGE, { timeoutMs: 5000, token: 'c1' });
    expect(poisoned.probeError).toBeUndefined();
    expect(severityOf(poisoned.findings, 'scan/cache-poisoning')).toBe('high');
    // Each probe had its own cache key, so the reflection itself is still seen.
    expect(severityOf(poisoned.findings, 'scan/reflects-any-origin')).toBe('warning');

    const safe = await scan(`${base}/ours/api`, PAGE, { timeoutMs: 5000, token: 'c2' });
    expect(safe.probeError).toBeUndefined();
    expect(safe.steps.some((step) => step.request.url.includes('cors-doctor=c2-cache'))).toBe(true);
    expect(serious(safe.findings)).toEqual([]);
  });
});
