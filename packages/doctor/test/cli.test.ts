/**
 * The built `cors-doctor` (dist/cli.js, as npx runs it) against real servers: exit codes, the JSON
 * shape, timeouts, redirects, colours; plus `lint` and `explain` on policy modules.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/command.js';
import { formatStep, PLAIN } from '../src/format.js';
import { oursNode, peerExpressCors, raw, type RunningServer } from './servers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const PAGE = 'https://app.example.com';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const servers: RunningServer[] = [];
let ours: RunningServer;
let reflecting: RunningServer;
let silent: RunningServer;
let redirectingPreflight: RunningServer;
let redirectingGet: RunningServer;
let closedPort: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  ours = await oursNode({
    origin: [PAGE],
    credentials: true,
    methods: ['GET', 'PUT'],
    allowedHeaders: ['Content-Type'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  });
  reflecting = await peerExpressCors({ origin: true, credentials: true });
  // Reads the request, never answers: the probe must give up on its own.
  silent = await raw(() => undefined);
  redirectingPreflight = await raw((req, res) => {
    res.setHeader('access-control-allow-origin', PAGE);
    if (req.method === 'OPTIONS') res.writeHead(307, { location: '/v2/api' }).end();
    else res.end('{}');
  });
  redirectingGet = await raw((req, res) => {
    res.setHeader('access-control-allow-origin', PAGE);
    res.setHeader('vary', 'Origin');
    if (req.url === '/old') res.writeHead(301, { location: '/api' }).end();
    else res.end('{}');
  });
  const closed = await raw(() => undefined);
  closedPort = closed.base;
  await closed.close();
  servers.push(ours, reflecting, silent, redirectingPreflight, redirectingGet);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('exit codes', () => {
  it('exits 0 when the browser lets the page read the response', async () => {
    const result = await run([`${ours.base}/api`, '--origin', PAGE, '--credentials']);
    expect(result.stdout).toContain('The browser lets the page read the response.');
    expect(result.code).toBe(0);
  });

  it("exits 1 when the browser blocks it, and prints Chromium's console line with the fix", async () => {
    const result = await run([
      `${ours.base}/api`,
      '--origin',
      'https://evil.example',
      '--method',
      'DELETE',
    ]);
    expect(result.stdout).toContain(
      `Access to fetch at '${ours.base}/api' from origin 'https://evil.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );
    expect(result.stdout).toContain('fix:');
    expect(result.code).toBe(1);
  });

  it('exits 2 when the server does not answer within --timeout', async () => {
    const started = Date.now();
    const result = await run([`${silent.base}/api`, '--origin', PAGE, '--timeout', '300']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('exits 2 when nothing listens', async () => {
    const result = await run([`${closedPort}/api`, '--origin', PAGE]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('ECONNREFUSED');
  });

  it('exits 2 on a wrong command line, with the usage', async () => {
    const missing = await run([`${ours.base}/api`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--origin <page origin> is required.');
    expect(missing.stderr).toContain('Usage:');
    const withPath = await run([`${ours.base}/api`, '--origin', `${PAGE}/`]);
    expect(withPath.code).toBe(2);
    expect(withPath.stderr).toContain('no path');
  });
});

describe('--json', () => {
  it('prints one object: allowed, preflight, steps in order, findings', async () => {
    const result = await run([
      `${ours.base}/api`,
      '--origin',
      PAGE,
      '--method',
      'PUT',
      '--content-type',
      'application/json',
      '--credentials',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report.allowed).toBe(true);
    expect(report.preflight).toBe(true);
    const steps = report.steps as {
      kind: string;
      request: { method: string; headers: [string, string][] };
      response: { status: number; headers: [string, string][] };
    }[];
    expect(steps.map((step) => `${step.kind} ${step.request.method}`)).toEqual([
      'preflight OPTIONS',
      'actual PUT',
    ]);
    expect(steps[0]!.request.headers).toEqual([
      ['Origin', PAGE],
      ['Access-Control-Request-Method', 'PUT'],
      ['Access-Control-Request-Headers', 'content-type'],
    ]);
    expect(steps[0]!.response.status).toBe(204);
    expect(steps[0]!.response.headers).toContainEqual(['access-control-allow-origin', PAGE]);
    const findings = report.findings as { id: string; severity: string; message: string }[];
    for (const finding of findings) {
      expect(typeof finding.id).toBe('string');
      expect(['error', 'high', 'warning', 'info']).toContain(finding.severity);
      expect(typeof finding.message).toBe('string');
    }
    expect(findings.map((finding) => finding.id)).toContain('max-age');
  });

  it('reports a timeout as probeError, allowed false', async () => {
    const result = await run([
      `${silent.base}/api`,
      '--origin',
      PAGE,
      '--timeout',
      '200',
      '--json',
    ]);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { allowed: boolean; probeError: string };
    expect(report.allowed).toBe(false);
    expect(report.probeError).toContain('no answer within 200 ms');
  });
});

describe('redirects are reported, never followed silently', () => {
  it('reports a redirected preflight as Chromium does, and does not follow it', async () => {
    const result = await run([
      `${redirectingPreflight.base}/api`,
      '--origin',
      PAGE,
      '--method',
      'PUT',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      steps: { kind: string; response: { status: number } }[];
      findings: { id: string; message: string }[];
    };
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]!.response.status).toBe(307);
    const blocked = report.findings.find(
      (finding) => finding.id === 'preflight-disallowed-redirect',
    );
    expect(blocked?.message).toContain(
      "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
    );
  });

  it('shows each hop of a redirected request as a step and a warning', async () => {
    const result = await run([`${redirectingGet.base}/old`, '--origin', PAGE, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      steps: { kind: string; request: { url: string }; response: { status: number } }[];
      findings: { id: string; severity: string; message: string }[];
    };
    expect(report.steps.map((step) => [step.kind, step.response.status])).toEqual([
      ['actual', 301],
      ['redirect', 200],
    ]);
    expect(report.steps[1]!.request.url).toBe(`${redirectingGet.base}/api`);
    expect(report.findings.find((finding) => finding.id === 'redirect')?.severity).toBe('warning');
  });
});

describe('colours', () => {
  it('prints no escape codes when stdout is not a terminal', async () => {
    const result = await run([`${ours.base}/api`, '--origin', 'https://evil.example']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it("never passes a server's control characters to the terminal", () => {
    const text = formatStep(
      {
        kind: 'actual',
        request: { method: 'GET', url: 'http://x.example/', headers: [] },
        response: { status: 200, headers: [['x-cache', 'HIT\u001b[2J\u001b]0;owned\u0007']] },
        durationMs: 1,
      },
      PLAIN,
    );
    expect(text).toContain('x-cache: HIT\\x1b[2J\\x1b]0;owned\\x07');
    expect([...text].some((ch) => ch.charCodeAt(0) < 0x20 && ch !== '\n')).toBe(false);
  });

  it('colours a terminal, and not with NO_COLOR or --no-color', async () => {
    const capture = async (env: NodeJS.ProcessEnv, extra: string[] = []) => {
      let out = '';
      const stdout = { isTTY: true, write: (text: string) => (out += text) };
      const stderr = { write: () => true };
      await main([`${ours.base}/api`, '--origin', 'https://evil.example', ...extra], {
        stdout,
        stderr,
        env,
      });
      return out;
    };
    expect(await capture({})).toContain('\u001b[31m');
    expect(await capture({ NO_COLOR: '1' })).not.toContain('\u001b[');
    expect(await capture({}, ['--no-color'])).not.toContain('\u001b[');
  });
});

describe('--scan', () => {
  it('exits 1 and lists the reflection when any origin is reflected with credentials', async () => {
    const result = await run([`${reflecting.base}/api`, '--origin', PAGE, '--scan', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      allowed: boolean;
      findings: { id: string; severity: string }[];
    };
    expect(report.allowed).toBe(true);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ id: 'scan/reflects-any-origin', severity: 'high' }),
    );
  });

  it('exits 0 on our adapter with a listed origin', async () => {
    const result = await run([`${ours.base}/api`, '--origin', PAGE, '--credentials', '--scan']);
    expect(result.stdout).toContain('No misconfiguration found.');
    expect(result.code).toBe(0);
  });
});

describe('lint', () => {
  it('exits 0 on options createCorsPolicy accepts and browsers honour', async () => {
    const result = await run(['lint', '--config', fixture('good-options.mjs')]);
    expect(result.stdout).toContain('No problems found.');
    expect(result.code).toBe(0);
  });

  it('lists every issue createCorsPolicy refuses, with its code, and exits 1', async () => {
    const result = await run(['lint', '--config', fixture('bad-options.mjs'), '--json']);
    expect(result.code).toBe(1);
    const lint = JSON.parse(result.stdout) as { issues: { code: string; option: string }[] };
    expect(lint.issues.map((issue) => issue.code).sort()).toEqual([
      'credentials_with_wildcard_origin',
      'methods_not_normalized',
    ]);
  });

  it("warns about maxAge above browser caps and relays the core's warnings", async () => {
    const result = await run(['lint', '--config', fixture('warned-policy.mjs'), '--json']);
    expect(result.code).toBe(1);
    const lint = JSON.parse(result.stdout) as { findings: { id: string; severity: string }[] };
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ id: 'lint/max-age-above-browser-cap', severity: 'warning' }),
    );
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ id: 'core/origin_pattern_public_suffix', severity: 'warning' }),
    );
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ id: 'lint/exposed-header-safelisted', severity: 'info' }),
    );
  });

  it('exits 2 when the module exports no configuration', async () => {
    const result = await run(['lint', '--config', fixture('no-export.mjs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "export the options or a policy as default, or as 'options' or 'policy'",
    );
  });
});

describe('explain', () => {
  it("prints the server's decision and the browser's verdict, and exits 1 on a refused header", async () => {
    const result = await run([
      'explain',
      '--config',
      fixture('good-options.mjs'),
      '--origin',
      PAGE,
      '--method',
      'PUT',
      '--header',
      'X-Foo: 1',
      '--credentials',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'headers: header-not-allowed: Request header "x-foo" is not allowed',
    );
    expect(result.stdout).toContain(
      'Request header field x-foo is not allowed by Access-Control-Allow-Headers in preflight response.',
    );
  });

  it('exits 0 when both sides allow the request', async () => {
    const result = await run([
      'explain',
      '--config',
      fixture('good-options.mjs'),
      '--origin',
      PAGE,
      '--method',
      'PUT',
      '--content-type',
      'application/json',
      '--credentials',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const explanation = JSON.parse(result.stdout) as {
      allowed: boolean;
      exchanges: { kind: string; server: { step: string; detail: string }[] }[];
    };
    expect(explanation.allowed).toBe(true);
    expect(explanation.exchanges.map((exchange) => exchange.kind)).toEqual(['preflight', 'actual']);
    expect(explanation.exchanges[0]!.server.at(-1)).toEqual({
      step: 'response',
      detail: expect.stringMatching(/^allowed: /),
    });
  });
});
