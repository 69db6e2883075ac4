/**
 * `--scan`: the misconfiguration probes (as Corsy and CORScanner send them), each turned into a
 * finding with a severity and a fix. A probe sends `GET` with a hostile `Origin` and looks at
 * whether the answer lets that origin read it (`Access-Control-Allow-Origin` equal to it) and with
 * credentials (`Access-Control-Allow-Credentials: true`).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { getHeader } from './cors-check.js';
import { exchange } from './probe.js';
import type { Finding, Severity, Step } from './types.js';

/** One hostile origin and what it stands for. */
export interface ScanProbe {
  /** Finding id, `scan/<kind>`. */
  readonly id: string;
  readonly origin: string;
  /** What an attacker needs to use it, in words. */
  readonly attack: string;
  /** Severity when the origin is allowed without credentials, and with them. */
  readonly severity: readonly [Severity, Severity];
}

/** Hosting suffixes where anyone can register a subdomain (Public Suffix List "private" section). */
export const THIRD_PARTY_SUFFIXES = [
  'github.io',
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'web.app',
  'azurewebsites.net',
  'appspot.com',
  'cloudfront.net',
  'ngrok.io',
] as const;

/** Characters a sloppy host check stops at (Safari sends some of them in hosts). */
export const SPECIAL_CHARACTERS = [
  '_',
  '-',
  '`',
  '!',
  '~',
  '}',
  '{',
  '|',
  '$',
  '+',
  '=',
  ';',
  '&',
  "'",
  '%60',
] as const;

/** The hostile origins derived from the page's origin. `token` makes names unique per run. */
export function scanProbes(pageOrigin: string, token: string): ScanProbe[] {
  const probes: ScanProbe[] = [];
  const add = (
    id: string,
    origin: string,
    attack: string,
    severity: readonly [Severity, Severity],
  ) => {
    if (origin !== pageOrigin && !probes.some((probe) => probe.origin === origin))
      probes.push({ id: `scan/${id}`, origin, attack, severity });
  };
  const evil = `https://cors-doctor-${token}.example`;
  add(
    'reflects-any-origin',
    evil,
    'any web site can read these responses in its visitors’ browsers',
    ['warning', 'high'],
  );
  add(
    'allows-null',
    'null',
    "any page can send 'Origin: null' from a sandboxed iframe or a data: URL",
    ['warning', 'high'],
  );
  if (pageOrigin === 'null') return probes;
  const page = new URL(pageOrigin);
  const scheme = page.protocol; // 'https:'
  const port = page.port === '' ? '' : `:${page.port}`;
  const host = page.hostname;
  const at = (name: string, s = scheme) => `${s}//${name}${port}`;
  add(
    'post-domain',
    at(`${host}.cors-doctor-${token}.example`),
    `an attacker registers a domain and names a subdomain after ${host}`,
    ['warning', 'high'],
  );
  const isName = isIP(host.replace(/^\[|\]$/g, '')) === 0;
  if (isName) {
    add('pre-domain', at(`evil${host}`), `an attacker registers a name that ends with ${host}`, [
      'warning',
      'high',
    ]);
    const labels = host.split('.');
    if (labels.length > 2)
      add(
        'pre-domain',
        at(`evil${labels.slice(-2).join('.')}`),
        `an attacker registers a name that ends with ${labels.slice(-2).join('.')}`,
        ['warning', 'high'],
      );
    // An unescaped dot in a RegExp matches any character: try each dot in turn.
    for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1))
      add(
        'unescaped-dot',
        at(`${host.slice(0, i)}x${host.slice(i + 1)}`),
        'a RegExp with an unescaped dot matches a name an attacker can register',
        ['warning', 'high'],
      );
    for (const ch of SPECIAL_CHARACTERS)
      add(
        'special-characters',
        at(`${host}${ch}.cors-doctor-${token}.example`),
        `a check that stops at '${ch}' takes an attacker's host for ${host}`,
        ['warning', 'high'],
      );
    add(
      'random-subdomain',
      at(`cors-doctor-${token}.${host}`),
      `any subdomain of ${host} (one taken over, or with an XSS) can read responses`,
      ['info', 'warning'],
    );
    if (labels.length > 2)
      add(
        'random-subdomain',
        at(`cors-doctor-${token}.${labels.slice(1).join('.')}`),
        `any subdomain of ${labels.slice(1).join('.')} (one taken over, or with an XSS) can read responses`,
        ['info', 'warning'],
      );
  }
  if (scheme === 'https:')
    add(
      'http-downgrade',
      at(host, 'http:'),
      `a network attacker answers for http://${host} and reads responses meant for the https page`,
      ['warning', 'high'],
    );
  for (const suffix of THIRD_PARTY_SUFFIXES)
    add(
      'third-party-hosting',
      `https://cors-doctor-${token}.${suffix}`,
      `anyone can host a page on ${suffix}`,
      ['warning', 'high'],
    );
  return probes;
}

export interface ScanResult {
  readonly findings: Finding[];
  readonly steps: Step[];
  /** A probe could not be sent (network, timeout). */
  readonly probeError?: string;
}

const CACHE_HEADERS = ['age', 'x-cache', 'cf-cache-status', 'via', 'x-cache-status'];

function varies(step: Step): boolean {
  const vary = (getHeader(step.response?.headers ?? [], 'vary') ?? '').toLowerCase();
  return vary.split(',').some((token) => token.trim() === 'origin' || token.trim() === '*');
}

const allowOriginOf = (step: Step) =>
  step.response ? getHeader(step.response.headers, 'access-control-allow-origin') : null;
const allowsCredentials = (step: Step) =>
  step.response
    ? getHeader(step.response.headers, 'access-control-allow-credentials') === 'true'
    : false;

export interface ScanOptions {
  readonly timeoutMs?: number;
  /** Unique names per run; random by default. */
  readonly token?: string;
}

/** Sends every probe to `url` and reports what each one reached. */
export async function scan(
  url: string,
  pageOrigin: string,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const token = options.token ?? randomBytes(4).toString('hex');
  const findings: Finding[] = [];
  const steps: Step[] = [];
  const get = async (origin: string, target = url) => {
    const step = await exchange('GET', target, [['Origin', origin]], timeoutMs, 'scan');
    steps.push(step);
    return step;
  };

  const baseline = await get(pageOrigin);
  if (baseline.error !== undefined)
    return { findings, steps, probeError: `GET ${url}: ${baseline.error}` };
  const baselineAllowOrigin = allowOriginOf(baseline);
  // Behind a shared cache, every probe would get the first answer back: give each its own key.
  const cached = CACHE_HEADERS.some(
    (name) => getHeader(baseline.response?.headers ?? [], name) !== null,
  );
  const keyed = (key: string) => {
    const target = new URL(url);
    target.searchParams.set('cors-doctor', `${token}-${key}`);
    return target.href;
  };
  let probeNumber = 0;

  // One finding per kind of probe: the first origin that got through, and how many did.
  const hits = new Map<string, { probe: ScanProbe; credentials: boolean; count: number }>();
  let arbitrary: Step | undefined;
  for (const probe of scanProbes(pageOrigin, token)) {
    const step = await get(probe.origin, cached ? keyed(String(probeNumber++)) : url);
    if (step.error !== undefined)
      return {
        findings,
        steps,
        probeError: `GET ${url} with Origin ${probe.origin}: ${step.error}`,
      };
    if (probe.id === 'scan/reflects-any-origin') arbitrary = step;
    if (allowOriginOf(step) !== probe.origin) continue;
    const hit = hits.get(probe.id);
    if (hit) {
      hit.count++;
      hit.credentials ||= allowsCredentials(step);
    } else hits.set(probe.id, { probe, credentials: allowsCredentials(step), count: 1 });
  }
  for (const { probe, credentials, count } of hits.values()) {
    const severity = probe.severity[credentials ? 1 : 0];
    findings.push({
      id: probe.id,
      severity,
      message: `Origin '${probe.origin}' is allowed${credentials ? ', with credentials' : ''}${
        count > 1 ? ` (and ${count - 1} more origins of this kind)` : ''
      }: ${probe.attack}${credentials ? ', and read them as the logged-in user' : ''}.`,
      fix:
        probe.id === 'scan/reflects-any-origin'
          ? 'Do not reflect the request’s Origin: list the origins that may read responses.'
          : probe.id === 'scan/allows-null'
            ? "Remove 'null' from the allowed origins."
            : probe.id === 'scan/random-subdomain'
              ? 'List the subdomains that need access instead of a pattern over all of them, or keep the pattern if every subdomain is yours and safe.'
              : probe.id === 'scan/http-downgrade'
                ? 'Allow the https origin only.'
                : 'Match origins exactly, or with anchored patterns whose dots are escaped (`^https://app\\.example\\.com$`); never with a prefix, suffix or substring test.',
    });
  }
  if (arbitrary && allowOriginOf(arbitrary) === '*') {
    findings.push({
      id: 'scan/wildcard',
      severity: allowsCredentials(arbitrary) ? 'warning' : 'info',
      message: allowsCredentials(arbitrary)
        ? "Access-Control-Allow-Origin: '*' with Access-Control-Allow-Credentials: true: browsers refuse credentialed requests, so pages that send cookies break."
        : "Access-Control-Allow-Origin: '*': any site can read these responses without credentials (fine for public data).",
      fix: allowsCredentials(arbitrary)
        ? 'List the origins that send credentials, or stop sending Access-Control-Allow-Credentials.'
        : 'Keep it only if the responses are public.',
    });
  }

  // Vary: an answer that depends on Origin must say so, or shared caches mix origins up.
  if (arbitrary?.response) {
    const dependsOnOrigin = allowOriginOf(arbitrary) !== baselineAllowOrigin;
    const unvaried = [baseline, arbitrary].filter(
      (step) => allowOriginOf(step) !== '*' && !varies(step),
    );
    if ((dependsOnOrigin || baselineAllowOrigin === pageOrigin) && unvaried.length > 0)
      findings.push({
        id: 'scan/missing-vary-origin',
        severity: 'warning',
        message:
          "The CORS answer depends on Origin but the response lacks 'Vary: Origin': a shared cache can serve one origin's answer to another.",
        fix: "Add 'Vary: Origin' to every response whose CORS headers depend on Origin, refused ones included.",
      });
  }

  // A shared cache on the path: replay two origins through one cache key.
  if (cached) {
    const attacker = `https://cors-doctor-${token}-cache.example`;
    await get(attacker, keyed('cache-1'));
    const victim = await get(pageOrigin, keyed('cache-1'));
    const first = await get(pageOrigin, keyed('cache-2'));
    const other = await get(attacker, keyed('cache-2'));
    if (allowOriginOf(victim) === attacker)
      findings.push({
        id: 'scan/cache-poisoning',
        severity: 'high',
        message: `A shared cache replayed the answer for '${attacker}' to '${pageOrigin}' (Access-Control-Allow-Origin: ${attacker}): whoever asks first decides what every origin gets.`,
        fix: "Send 'Vary: Origin' on every response whose CORS headers depend on Origin, and make the cache honour it (or keep Origin in the cache key).",
      });
    else if (
      allowOriginOf(first) !== null &&
      allowOriginOf(first) !== '*' &&
      allowOriginOf(other) === allowOriginOf(first) &&
      // Not a fixed value the server sends everyone: the attacker's own answer differed.
      arbitrary !== undefined &&
      allowOriginOf(arbitrary) !== allowOriginOf(first)
    )
      findings.push({
        id: 'scan/cache-mixes-origins',
        severity: 'warning',
        message: `A shared cache replayed the answer for '${pageOrigin}' to another origin: pages on other allowed origins get blocked.`,
        fix: "Send 'Vary: Origin' and make the cache honour it.",
      });
  }
  return { findings, steps };
}
