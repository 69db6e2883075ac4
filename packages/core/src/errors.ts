/**
 * Errors are classes that share a base with a string `code` (as in panva/jose): callers switch on
 * `code`, which still works when two copies of the package are loaded and `instanceof` does not.
 */

/** Base class of every error this package throws. */
export class CorsError extends Error {
  /** A stable, machine-readable code, e.g. `ERR_CORS_CONFIG`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'CorsError';
  }
}

/** Codes of the problems {@link createCorsPolicy} reports, one per kind of mistake. */
export type CorsConfigIssueCode =
  | 'options_invalid'
  | 'option_unknown'
  | 'origin_required'
  | 'origin_invalid_type'
  | 'origin_empty_list'
  | 'origin_reflect_all'
  | 'origin_disabled'
  | 'origin_wildcard_in_list'
  | 'origin_comma_list'
  | 'origin_whitespace'
  | 'origin_missing_scheme'
  | 'origin_uppercase'
  | 'origin_trailing_slash'
  | 'origin_has_path'
  | 'origin_has_userinfo'
  | 'origin_default_port'
  | 'origin_invalid_port'
  | 'origin_invalid_host'
  | 'origin_too_long'
  | 'origin_pattern_invalid'
  | 'origin_pattern_too_broad'
  | 'origin_pattern_public_suffix'
  | 'origin_regexp_unanchored'
  | 'origin_regexp_unescaped_dot'
  | 'origin_regexp_backtracking'
  | 'origin_regexp_too_broad'
  | 'origin_regexp_unsupported'
  | 'origin_function_callback'
  | 'credentials_invalid_type'
  | 'credentials_with_wildcard_origin'
  | 'credentials_with_null_origin'
  | 'credentials_with_insecure_origin'
  | 'credentials_with_wildcard_exposed_headers'
  | 'credentials_with_wildcard_allowed_headers'
  | 'credentials_with_wildcard_methods'
  | 'methods_invalid_type'
  | 'methods_invalid_token'
  | 'methods_forbidden'
  | 'methods_not_normalized'
  | 'allowed_headers_invalid_type'
  | 'allowed_headers_invalid_token'
  | 'allowed_headers_forbidden'
  | 'exposed_headers_invalid_type'
  | 'exposed_headers_invalid_token'
  | 'max_age_invalid'
  | 'max_age_too_large'
  | 'preflight_continue_invalid_type'
  | 'options_success_status_invalid'
  | 'allow_private_network_invalid_type'
  | 'private_network_with_wildcard_origin'
  | 'dangerously_allow_insecure_origins_invalid_type'
  // The `crossOriginProtection` option, and the problems of its options (named
  // `crossOriginProtection.<option>`), which createCrossOriginProtection reports the same way.
  | 'cross_origin_protection_invalid_type'
  | 'cross_origin_options_invalid'
  | 'cross_origin_option_unknown'
  | 'trusted_origins_invalid_type'
  | 'trusted_origins_wildcard'
  | 'trusted_origins_null'
  | 'trusted_origins_insecure'
  | 'bypass_invalid_type'
  | 'bypass_invalid'
  | 'require_browser_headers_invalid_type'
  | 'trusted_proxies_invalid_type'
  | 'trusted_proxies_invalid';

/** One problem in a CORS configuration. */
export interface CorsConfigIssue {
  /** What kind of mistake it is. */
  readonly code: CorsConfigIssueCode;
  /** The option at fault, e.g. `origin` or `origin[2]`. */
  readonly option: string;
  /** The value that was given (as given). */
  readonly value: unknown;
  /** What is wrong and what to write instead. */
  readonly message: string;
}

/**
 * Thrown by `createCorsPolicy` when the options are wrong. `issues` lists every problem found, not
 * only the first, so one start-up shows everything to fix.
 */
export class CorsConfigError extends CorsError {
  readonly issues: readonly CorsConfigIssue[];

  constructor(issues: readonly CorsConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'ERR_CORS_CONFIG',
      `Invalid CORS configuration (${count}):\n` +
        issues.map((issue) => `  - ${issue.option}: ${issue.message} [${issue.code}]`).join('\n'),
    );
    this.name = 'CorsConfigError';
    this.issues = Object.freeze([...issues]);
  }
}

/** True for a {@link CorsConfigError}, also one thrown by another copy of this package. */
export function isCorsConfigError(error: unknown): error is CorsConfigError {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === 'ERR_CORS_CONFIG' &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

/** Renders any value for an error message: bounded in length, control characters escaped. */
export function describeValue(value: unknown, limit = 80): string {
  let text: string;
  // Cut a string before escaping it: a hostile megabyte costs no more than the limit.
  if (typeof value === 'string')
    text = JSON.stringify(value.length > limit ? value.slice(0, limit) + '…' : value);
  else if (value instanceof RegExp) text = String(value);
  else if (typeof value === 'function') text = `function ${value.name || '(anonymous)'}`;
  else {
    try {
      // undefined and symbols stringify to undefined; bigints and cycles throw.
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
