/**
 * The `cors-doctor` command line, as a function of its arguments and streams (the bin is cli.ts).
 *
 * cors-doctor: what a browser does with a live endpoint's CORS answers, and why.
 *
 * Exit codes: 0 the browser lets the page read the response (lint: no problem); 1 it blocks it
 * (--scan: or a finding of severity warning or high; lint: a problem); 2 the probe itself failed,
 * or the command line is wrong.
 */
import { parseArgs } from 'node:util';
import { explain } from './explain.js';
import {
  COLOURS,
  formatExplanation,
  formatFinding,
  formatLint,
  formatReport,
  PLAIN,
  wantsColour,
} from './format.js';
import { compile, DoctorConfigError, exposedHeadersNeverSent, lint, loadConfig } from './lint.js';
import { diagnose } from './probe.js';
import { scan } from './scan.js';
import type { Finding, PageRequest } from './types.js';

export const USAGE = `Usage:
  cors-doctor <url> --origin <page origin> [options]   what the browser does with <url>, and why
  cors-doctor explain [url] --config <module> --origin <page origin> [options]
                                                    the same, offline, against a @cors/core policy
  cors-doctor lint [url] --config <module>          what createCorsPolicy refuses, and warnings
                                                    (with a url: exposed headers it never sends)

Options:
  --origin <origin>         the page's origin, e.g. https://app.example.com
  --config <module>         explain, lint: a module whose default export (or 'options', or
                            'policy') is the options of createCorsPolicy or a policy
  --method <method>         the method the page uses (default GET)
  --header 'Name: value'    a header the page sets (repeatable)
  --content-type <type>     the page's Content-Type (application/json needs a preflight)
  --credentials             the page sends credentials: 'include'
  --scan                    also probe for misconfigurations (hostile origins, Vary, shared caches)
  --preflight-only          send the preflight only, never the request itself
  --timeout <ms>            per request (default 10000)
  --json                    print one JSON object
  --no-color                no colours (also NO_COLOR=1; colours only on a terminal anyway)
  -h, --help

Exit codes: 0 allowed, 1 blocked (or --scan found a warning or worse), 2 the probe failed.`;

class UsageError extends Error {}

function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header '${line}': write it as 'Name: value'.`);
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/** Where the command writes, and the environment it reads (NO_COLOR). */
export interface Io {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        origin: { type: 'string' },
        method: { type: 'string', default: 'GET' },
        header: { type: 'string', multiple: true, default: [] },
        'content-type': { type: 'string' },
        credentials: { type: 'boolean', default: false },
        scan: { type: 'boolean', default: false },
        'preflight-only': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '10000' },
        json: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const paint =
    !values['no-color'] && !values.json && wantsColour(io.stdout, io.env) ? COLOURS : PLAIN;
  const print = (value: unknown) =>
    io.stdout.write(
      typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`,
    );

  try {
    const [command, ...rest] = positionals;
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError(`--timeout '${values.timeout}': give a whole number of milliseconds.`);
    if (command === 'lint') {
      if (!values.config) throw new UsageError('lint needs --config <module>.');
      const config = await loadConfig(values.config);
      let result = lint(config);
      if (rest[0] !== undefined) {
        // A URL of the server: also check that exposed headers are sent at all.
        const { policy } = compile(config);
        const extra = policy ? await exposedHeadersNeverSent(policy, rest[0], timeoutMs) : null;
        if (extra) result = { ...result, findings: [...result.findings, ...extra] };
      }
      print(values.json ? result : formatLint(result, paint));
      return result.failed ? 1 : 0;
    }

    if (!values.origin) throw new UsageError('--origin <page origin> is required.');
    const headers = values.header.map(parseHeader);
    if (values['content-type'] !== undefined)
      headers.push(['Content-Type', values['content-type']]);
    const origin = values.origin;
    if (origin !== 'null' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(origin))
      throw new UsageError(
        `--origin '${origin}': give the page's origin as the browser sends it: scheme://host[:port], no path.`,
      );

    if (command === 'explain') {
      if (!values.config) throw new UsageError('explain needs --config <module>.');
      const { policy, issues } = compile(await loadConfig(values.config));
      if (!policy) {
        print(values.json ? { issues } : formatLint({ issues, findings: [], failed: true }, paint));
        return 2;
      }
      const url = rest[0] ?? 'https://api.example/';
      const request: PageRequest = {
        url,
        origin,
        method: values.method,
        headers,
        credentials: values.credentials,
      };
      const explanation = await explain(policy, request);
      print(values.json ? explanation : formatExplanation(explanation, paint));
      return explanation.allowed ? 0 : 1;
    }

    if (command === undefined || rest.length > 0)
      throw new UsageError(command === undefined ? 'Give the URL to check.' : `One URL at a time.`);
    let url: URL;
    try {
      url = new URL(command);
    } catch {
      throw new UsageError(`'${command}' is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`'${command}': only http and https URLs.`);

    const request: PageRequest = {
      url: url.href,
      origin,
      method: values.method,
      headers,
      credentials: values.credentials,
    };
    const report = await diagnose(request, {
      timeoutMs,
      preflightOnly: values['preflight-only'],
    });
    let scanFindings: Finding[] = [];
    let scanSteps: typeof report.steps = [];
    let scanError: string | undefined;
    if (values.scan && report.probeError === undefined) {
      const result = await scan(url.href, origin, { timeoutMs });
      scanFindings = result.findings;
      scanSteps = result.steps;
      scanError = result.probeError;
    }
    const probeError = report.probeError ?? scanError;
    if (values.json) {
      print({
        allowed: report.allowed,
        preflight: report.preflight,
        preflightReasons: report.preflightReasons,
        request: report.request,
        steps: [...report.steps, ...scanSteps],
        findings: [...report.findings, ...scanFindings],
        ...(probeError === undefined ? {} : { probeError }),
      });
    } else {
      print(formatReport(report, paint));
      if (values.scan) {
        print('');
        print(paint.bold(`Scan: ${scanSteps.length} requests`));
        if (scanFindings.length === 0 && scanError === undefined)
          print(paint.green('No misconfiguration found.'));
        for (const finding of scanFindings) print(formatFinding(finding, paint));
        if (scanError !== undefined) print(paint.red(`Scan failed: ${scanError}`));
      }
    }
    if (probeError !== undefined) return 2;
    if (!report.allowed) return 1;
    return scanFindings.some((f) => f.severity === 'high' || f.severity === 'warning') ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof DoctorConfigError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
