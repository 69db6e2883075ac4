/**
 * `cors-doctor lint`: what `createCorsPolicy` refuses in a configuration (every issue, as the
 * thrown `CorsConfigError` lists them), plus warnings on what it accepts but browsers will not
 * honour or no origin can reach.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createCorsPolicy,
  isCorsConfigError,
  isCorsPolicy,
  type CorsConfigIssue,
  type CorsOptions,
  type CorsPolicy,
} from '@cors/core';
import { getHeader } from './cors-check.js';
import { CHROMIUM_MAX_AGE_CAP, FIREFOX_MAX_AGE_CAP } from './preflight-check.js';
import { exchange } from './probe.js';
import { SAFELISTED_RESPONSE_HEADERS } from './safelist.js';
import type { Finding } from './types.js';

/** Thrown when `--config` cannot be loaded or exports nothing usable. */
export class DoctorConfigError extends Error {
  readonly code = 'ERR_CORS_DOCTOR_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DoctorConfigError';
  }
}

/**
 * Imports `path` (ESM; a CommonJS module's `module.exports` arrives as `default`) and returns what
 * it exports as the CORS configuration: the default export, else a named `policy` or `options`.
 */
export async function loadConfig(path: string): Promise<unknown> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new DoctorConfigError(`Cannot load ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const config = module.default ?? module.policy ?? module.options;
  if (config === undefined)
    throw new DoctorConfigError(
      `${path} exports no CORS configuration: export the options or a policy as default, or as 'options' or 'policy'.`,
    );
  return config;
}

/** A policy from a policy or options; the issues when the options are refused. */
export function compile(config: unknown): { policy?: CorsPolicy; issues: CorsConfigIssue[] } {
  if (isCorsPolicy(config)) return { policy: config, issues: [] };
  try {
    return { policy: createCorsPolicy(config as CorsOptions) as CorsPolicy, issues: [] };
  } catch (error) {
    if (isCorsConfigError(error)) return { issues: [...error.issues] };
    throw error;
  }
}

/** Warnings on a policy the core accepts. */
export function policyWarnings(policy: CorsPolicy): Finding[] {
  // What the core itself warns about (a pattern over a public suffix, without credentials): its
  // words, its code. RegExps no origin can match are refused by the core, not warned about here.
  const findings: Finding[] = policy.warnings.map((warning) => ({
    id: `core/${warning.code}`,
    severity: 'warning',
    message: `${warning.option} '${String(warning.value)}': ${warning.message}`,
  }));
  const { options } = policy;
  if (options.maxAge !== undefined && options.maxAge > CHROMIUM_MAX_AGE_CAP)
    findings.push({
      id: 'lint/max-age-above-browser-cap',
      severity: 'warning',
      message: `maxAge ${options.maxAge} is above what browsers honour: Chromium keeps a preflight answer at most ${CHROMIUM_MAX_AGE_CAP} s, Firefox ${FIREFOX_MAX_AGE_CAP} s.`,
      fix: `Set maxAge to ${CHROMIUM_MAX_AGE_CAP} or less; the extra seconds buy nothing in Chromium.`,
    });
  if (options.origin !== '*') {
    const seen = new Set<string>();
    options.origin.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      if (seen.has(entry))
        findings.push({
          id: 'lint/duplicate-origin',
          severity: 'info',
          message: `origin[${index}] '${entry}' is listed twice.`,
          fix: 'Remove the duplicate.',
        });
      seen.add(entry);
    });
  }
  for (const name of options.exposedHeaders)
    if (SAFELISTED_RESPONSE_HEADERS.has(name.toLowerCase()))
      findings.push({
        id: 'lint/exposed-header-safelisted',
        severity: 'info',
        message: `exposedHeaders lists '${name}', which every page can read anyway.`,
        fix: `Remove '${name}' from exposedHeaders.`,
      });
  return findings;
}

export interface LintResult {
  readonly issues: readonly CorsConfigIssue[];
  readonly findings: readonly Finding[];
  /** True when CI should fail: an issue, or a finding of severity warning or above. */
  readonly failed: boolean;
}

export function lint(config: unknown): LintResult {
  const { policy, issues } = compile(config);
  const findings = policy ? policyWarnings(policy) : [];
  const failed = issues.length > 0 || findings.some((finding) => finding.severity !== 'info');
  return { issues, findings, failed };
}

/**
 * When a URL of the server is known: the exposed headers its answer to an allowed origin does not
 * carry (exposing a header the server never sends does nothing). `null` when no listed origin is
 * an exact string to send, or the request fails.
 */
export async function exposedHeadersNeverSent(
  policy: CorsPolicy,
  url: string,
  timeoutMs: number,
): Promise<Finding[] | null> {
  const { options } = policy;
  const origin =
    options.origin === '*'
      ? 'https://cors-doctor.example'
      : options.origin.find(
          (entry): entry is string => typeof entry === 'string' && !entry.includes('*'),
        );
  if (origin === undefined || options.exposedHeaders.length === 0) return null;
  const step = await exchange('GET', url, [['Origin', origin]], timeoutMs, 'actual');
  if (!step.response) return null;
  const headers = step.response.headers;
  return options.exposedHeaders
    .filter((name) => name !== '*' && getHeader(headers, name) === null)
    .map((name) => ({
      id: 'lint/exposed-header-never-sent',
      severity: 'info' as const,
      message: `exposedHeaders lists '${name}', but GET ${url} from ${origin} does not send it.`,
      fix: `Send '${name}' from that route, or remove it from exposedHeaders.`,
    }));
}
