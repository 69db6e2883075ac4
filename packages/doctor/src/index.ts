/**
 * @cors/doctor — the client side of CORS: what a browser does with a server's answers, and why.
 *
 * The checks are pure functions over plain data (the Fetch Standard's safelists, the CORS-preflight
 * fetch, the CORS check), worded as Chromium's console words them; {@link diagnose} and
 * {@link scan} send the requests. The `cors-doctor` command line wraps them.
 *
 * @packageDocumentation
 */
export {
  corsUnsafeRequestHeaders,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenMethod,
  isForbiddenRequestHeader,
  mimeEssence,
  normalizeMethod,
  SAFELISTED_CONTENT_TYPES,
  SAFELISTED_RESPONSE_HEADERS,
} from './safelist.js';
export type { UnsafeHeader } from './safelist.js';
export { needsPreflight } from './needs-preflight.js';
export type { PreflightNeed } from './needs-preflight.js';
export { corsCheck, getHeader, readableResponseHeaders } from './cors-check.js';
export {
  CHROMIUM_MAX_AGE_CAP,
  DEFAULT_MAX_AGE,
  FIREFOX_MAX_AGE_CAP,
  isRedirect,
  parseAllowList,
  preflightCheck,
} from './preflight-check.js';
export type { PreflightAsk, PreflightOutcome } from './preflight-check.js';
export { chromiumConsoleMessage, chromiumSentence, fixFor } from './messages.js';
export type { CorsErrorId, CorsFailure } from './messages.js';
export { diagnose, exchange } from './probe.js';
export type { ProbeOptions } from './probe.js';
export { scan, scanProbes, SPECIAL_CHARACTERS, THIRD_PARTY_SUFFIXES } from './scan.js';
export type { ScanOptions, ScanProbe, ScanResult } from './scan.js';
export { explain } from './explain.js';
export type { ExplainedExchange, Explanation } from './explain.js';
export { serverTrace } from './server-trace.js';
export type { ServerTrace, ServerTraceLine } from './server-trace.js';
export {
  compile,
  DoctorConfigError,
  exposedHeadersNeverSent,
  lint,
  loadConfig,
  policyWarnings,
} from './lint.js';
export type { LintResult } from './lint.js';
export type { Finding, PageRequest, Report, ResponseLike, Severity, Step } from './types.js';
export { main, USAGE } from './command.js';
export type { Io } from './command.js';
