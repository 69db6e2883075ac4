/**
 * Property-based tests of cross-origin protection: it never throws on any input, and a request that
 * a browser marks cross-site is never let through unless an exemption (judged here by a small,
 * independent model) covers it. `FUZZ_RUNS` raises the number of cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCrossOriginProtection,
  crossOriginRequestFromHeaderRecord,
  type CrossOriginDecision,
  type CrossOriginRequest,
} from '../src/index.js';
import { csrfOptionSets, protectionFor } from './csrf-vectors.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const FUZZ = { numRuns: RUNS };

const interesting = fc.constantFrom(
  '',
  'null',
  'same-origin',
  'same-site',
  'cross-site',
  'none',
  'Same-Origin',
  'https://app.example.com',
  'https://APP.example.com',
  'https://app.example.com/',
  'https://eu.partner.example',
  'https://partner.example',
  'http://localhost:5173',
  'https://api.example.com',
  'api.example.com',
  'api.example.com:443',
  '/oauth/callback',
  '//oauth/callback',
  '/oauth/callback/',
  '/oauth%2Fcallback',
  '/tenants/acme/saml/acs',
  '/tenants/../saml/acs',
  '127.0.0.1',
  '::ffff:127.0.0.1',
  '10.0.0.1',
  'POST',
  'GET',
  'get',
);
const text = fc.oneof(fc.string({ maxLength: 40 }), interesting, fc.string({ unit: 'binary' }));
const maybe = fc.option(text, { nil: undefined });
const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'PURGE', 'post'),
  fc.string({ maxLength: 10 }),
);
const request = fc.record({
  method,
  path: text,
  host: maybe,
  origin: maybe,
  secFetchSite: maybe,
  forwardedHost: maybe,
  remoteAddress: maybe,
});

/** Every option set of the table, plus one with every option at once. */
const everything = createCrossOriginProtection({
  trustedOrigins: [
    'https://app.example.com',
    'https://*.partner.example',
    'http://localhost:*',
    /^https:\/\/(?:a|b)\.example\.net$/,
  ],
  bypass: ['POST /oauth/callback', '/tenants/*/saml/acs'],
  trustedProxies: ['127.0.0.0/8', '::1', '10.0.0.0/8'],
  requireBrowserHeaders: true,
});
const protections = [...Object.keys(csrfOptionSets).map(protectionFor), everything];

function sync(decision: CrossOriginDecision | Promise<CrossOriginDecision>): CrossOriginDecision {
  if (decision instanceof Promise) throw new Error('unexpected promise');
  return decision;
}

describe('cross-origin protection, for any input', () => {
  it('never throws and always answers with a frozen decision', () => {
    fc.assert(
      fc.property(request, (req) => {
        for (const protection of protections) {
          const decision = sync(protection.check(req));
          expect(typeof decision.allowed).toBe('boolean');
          expect(Object.isFrozen(decision)).toBe(true);
          expect(decision.message.length).toBeLessThan(700);
        }
      }),
      FUZZ,
    );
  });

  it('never lets a cross-site unsafe request through unless a bypass or a trusted origin covers it', () => {
    // The model, written for this test: the exemptions of `everything`, by other means.
    const exemptByModel = (req: CrossOriginRequest) => {
      const path = req.path.split('?')[0];
      const bypassed =
        (req.method === 'POST' && path === '/oauth/callback') ||
        /^\/tenants\/[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*\/saml\/acs$/.test(path ?? '');
      const origin = req.origin ?? '';
      const trusted =
        origin === 'https://app.example.com' ||
        /^https:\/\/[a-z0-9_-]+(\.[a-z0-9_-]+)*\.partner\.example$/.test(origin) ||
        /^http:\/\/localhost(:[0-9]{1,5})?$/.test(origin) ||
        /^https:\/\/(a|b)\.example\.net$/.test(origin);
      return bypassed || trusted;
    };
    const crossSite = request.map((req) => ({
      ...req,
      method: ['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? 'POST' : req.method,
      secFetchSite: 'cross-site',
    }));
    fc.assert(
      fc.property(crossSite, (req) => {
        const decision = sync(everything.check(req));
        if (decision.allowed) {
          expect(exemptByModel(req)).toBe(true);
          expect(['bypass', 'trusted-origin']).toContain(decision.reason);
        }
        // With no exemptions configured, nothing cross-site passes at all.
        expect(sync(protectionFor('default').check(req)).allowed).toBe(false);
      }),
      FUZZ,
    );
  });

  it('refuses every Sec-Fetch-Site other than same-origin and none on an unsafe method', () => {
    const protection = createCrossOriginProtection();
    fc.assert(
      fc.property(
        text.filter((site) => site !== '' && site !== 'same-origin' && site !== 'none'),
        maybe,
        (secFetchSite, origin) => {
          const decision = sync(
            protection.check({
              method: 'PATCH',
              path: '/',
              host: 'api.example.com',
              secFetchSite,
              origin,
            }),
          );
          expect(decision.allowed).toBe(false);
        },
      ),
      FUZZ,
    );
  });

  it('never exempts a path that differs from a canonical bypassed path', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    const mutations = [
      (p: string) => `${p}/`,
      (p: string) => `/${p}`,
      (p: string) => p.replace('/', '//'),
      (p: string) => p.replace(/\/([^/]*)$/, '/./$1'),
      (p: string) => p.replace(/\/([^/]*)$/, '/x/../$1'),
      (p: string) => p.replace(/\/([^/]*)$/, '%2F$1'),
      (p: string) => p.replace(/([a-z])/, (c) => `%${c.charCodeAt(0).toString(16)}`),
      (p: string) => p.replace(/([a-z])/, (c) => c.toUpperCase()),
      (p: string) => `${p}.`,
      (p: string) => `${p};x`,
      (p: string) => p.replace(/\//g, '\\'),
      (p: string) => `http://api.example.com${p}`,
    ];
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: mutations.length - 1 }),
        (segments, which) => {
          const path = `/${segments.join('/')}`;
          const protection = createCrossOriginProtection({ bypass: [`POST ${path}`] });
          const check = (target: string) =>
            sync(protection.check({ method: 'POST', path: target, secFetchSite: 'cross-site' }));
          expect(check(path).reason).toBe('bypass');
          const mutated = (mutations[which] as (p: string) => string)(path);
          if (mutated !== path) expect(check(mutated).allowed).toBe(false);
        },
      ),
      FUZZ,
    );
  });

  it('reads no header but the five it documents (content type, cookies and the rest are not inputs)', () => {
    const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(fc.dictionary(headerName, fc.string({ maxLength: 30 })), (extra) => {
        const own = {
          host: 'api.example.com',
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
          'x-forwarded-host': 'api.example.com',
        };
        const plain = crossOriginRequestFromHeaderRecord('POST', '/', own, '10.0.0.1');
        const noisy = crossOriginRequestFromHeaderRecord(
          'POST',
          '/',
          { ...extra, ...own },
          '10.0.0.1',
        );
        expect(noisy).toEqual(plain);
      }),
      FUZZ,
    );
  });
});
