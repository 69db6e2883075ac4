/** Text output for a terminal: plain, or with ANSI colours when the caller says so. */
import type { CorsConfigIssue } from '@cors/core';
import type { Explanation } from './explain.js';
import type { LintResult } from './lint.js';
import type { Finding, Report, Severity, Step } from './types.js';

export interface Paint {
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const ansi = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;
export const COLOURS: Paint = {
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};
const same = (text: string) => text;

/**
 * Control characters from a server (or a config) never reach the terminal as such: an answer could
 * otherwise carry escape sequences that rewrite what the user reads.
 */
export function clean(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export const PLAIN: Paint = { red: same, green: same, yellow: same, dim: same, bold: same };

/** Colours only on a terminal and when `NO_COLOR` is unset or empty (https://no-color.org). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

const LABEL: Record<Severity, string> = {
  error: 'blocked',
  high: 'HIGH',
  warning: 'warning',
  info: 'note',
};

function severityPaint(paint: Paint, severity: Severity): (text: string) => string {
  return severity === 'error' || severity === 'high'
    ? paint.red
    : severity === 'warning'
      ? paint.yellow
      : paint.dim;
}

export function formatFinding(finding: Finding, paint: Paint): string {
  const lines = [
    `${severityPaint(paint, finding.severity)(`[${LABEL[finding.severity]}]`)} ${clean(finding.message)}`,
  ];
  if (finding.fix) lines.push(`  ${paint.bold('fix:')} ${clean(finding.fix)}`);
  return lines.join('\n');
}

/** Only the headers that matter to CORS and caching, to keep a step readable. */
const SHOWN =
  /^(access-control-|vary$|location$|age$|x-cache|cf-cache-status$|via$|origin$|content-type$)/i;

export function formatStep(step: Step, paint: Paint): string {
  const lines = [paint.bold(clean(`${step.kind}: ${step.request.method} ${step.request.url}`))];
  for (const [name, value] of step.request.headers)
    lines.push(paint.dim(clean(`  > ${name}: ${value}`)));
  if (step.response) {
    lines.push(`  < ${step.response.status} ${paint.dim(`(${step.durationMs} ms)`)}`);
    for (const [name, value] of step.response.headers)
      if (SHOWN.test(name)) lines.push(clean(`  < ${name}: ${value}`));
  } else lines.push(paint.red(`  ! ${step.error ?? 'no answer'}`));
  return lines.join('\n');
}

export function formatReport(report: Report, paint: Paint, extra: readonly Finding[] = []): string {
  const { request } = report;
  const out: string[] = [];
  out.push(
    `${paint.bold('cors-doctor')} ${request.method} ${request.url} from ${request.origin}${request.credentials ? ' with credentials' : ''}`,
  );
  out.push('');
  out.push(paint.bold(report.preflight ? 'Preflight: yes' : 'Preflight: no'));
  for (const reason of report.preflightReasons) out.push(`  ${reason}`);
  for (const step of report.steps) {
    out.push('');
    out.push(formatStep(step, paint));
  }
  const findings = [...report.findings, ...extra];
  if (findings.length > 0) {
    out.push('');
    for (const finding of findings) out.push(formatFinding(finding, paint));
  }
  out.push('');
  out.push(
    report.probeError !== undefined
      ? paint.red(`Probe failed: ${report.probeError}`)
      : report.allowed
        ? paint.green('The browser lets the page read the response.')
        : paint.red('The browser blocks the page from reading the response.'),
  );
  return out.join('\n');
}

export function formatExplanation(explanation: Explanation, paint: Paint): string {
  const out: string[] = [];
  out.push(paint.bold(explanation.preflight ? 'Preflight: yes' : 'Preflight: no'));
  for (const reason of explanation.preflightReasons) out.push(`  ${reason}`);
  for (const exchange of explanation.exchanges) {
    const r = exchange.request;
    out.push('');
    out.push(paint.bold(`${exchange.kind}: ${r.method} from ${r.origin ?? '(no Origin)'}`));
    if (r.requestMethod != null)
      out.push(paint.dim(`  > access-control-request-method: ${r.requestMethod}`));
    if (r.requestHeaders != null)
      out.push(paint.dim(`  > access-control-request-headers: ${r.requestHeaders}`));
    out.push('  server (policy.decide):');
    for (const line of exchange.server) out.push(`    ${line.step}: ${line.detail}`);
    out.push(`  < ${exchange.response.status}`);
    for (const [name, value] of exchange.response.headers) out.push(`  < ${name}: ${value}`);
    out.push(
      exchange.browser
        ? `  browser: ${paint.red('fails')}`
        : `  browser: ${paint.green('passes')} the ${exchange.kind === 'preflight' ? 'preflight checks' : 'CORS check'}`,
    );
  }
  if (explanation.findings.length > 0) {
    out.push('');
    for (const finding of explanation.findings) out.push(formatFinding(finding, paint));
  }
  out.push('');
  out.push(
    explanation.allowed
      ? paint.green('The browser lets the page read the response.')
      : paint.red('The browser blocks the page from reading the response.'),
  );
  return out.join('\n');
}

function formatIssue(issue: CorsConfigIssue, paint: Paint): string {
  return `${paint.red('[refused]')} ${issue.option}: ${issue.message} ${paint.dim(`[${issue.code}]`)}`;
}

export function formatLint(result: LintResult, paint: Paint): string {
  const out: string[] = [];
  for (const issue of result.issues) out.push(formatIssue(issue, paint));
  for (const finding of result.findings) out.push(formatFinding(finding, paint));
  if (out.length === 0) out.push(paint.green('No problems found.'));
  else if (result.issues.length > 0)
    out.push(
      paint.red(
        `createCorsPolicy refuses this configuration (${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}).`,
      ),
    );
  return out.join('\n');
}
