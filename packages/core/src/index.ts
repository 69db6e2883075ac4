/**
 * @cors/core — the CORS protocol (Fetch Standard §3.2) as pure functions.
 *
 * Create a policy once with {@link createCorsPolicy}, then call `policy.decide(request)` per
 * request and apply the decision's headers. No dependencies, no Node built-ins.
 *
 * @packageDocumentation
 */
export { createCorsPolicy, isCorsPolicy, DEFAULT_METHODS, MAX_MAX_AGE } from './policy.js';
export { corsRequestKind, normalizeMethod } from './classify.js';
export {
  corsPreflightMethod,
  corsRouteMethod,
  corsRouteConstraint,
  routeOfMethod,
} from './preflight-method.js';
export type { CorsRouteConstraint, RoutedRequest } from './preflight-method.js';
export type { CorsRequestKind } from './classify.js';
export { selectedPolicy, ERR_CORS_SELECTOR_RESULT } from './select.js';
export type { CorsPolicySelector } from './select.js';
export { parseOrigin, MAX_ORIGIN_LENGTH } from './origin.js';
export type { ParsedOrigin, TupleOrigin, NullOrigin, HostKind } from './origin.js';
export { appendVary } from './vary.js';
export {
  corsRequestFromHeaderRecord,
  corsRequestFromHeaders,
  originFromRawHeaders,
} from './request.js';
export type { HeaderRecord } from './request.js';
export {
  CORS_RESPONSE_HEADERS,
  applyCorsHeaders,
  headerString,
  mergedVary,
  preflightFraming,
  replyHeaderTarget,
  writeCorsHeaders,
} from './response.js';
export type {
  CorsHeaderTarget,
  HeaderMethodReply,
  HeadersLike,
  PreflightFraming,
} from './response.js';
export { keepVary } from './keep-vary.js';
export type { WriteHeadTarget } from './keep-vary.js';
export { writeCorsDecision } from './write-decision.js';
export { protectReply, runCorsOnReply } from './reply.js';
export type { CorsReply, ReplyListeners } from './reply.js';
export { corsDisabledDecision, decideCors } from './disabled.js';
export {
  isThenable,
  corsPolicySource,
  policyForRequest,
  runCorsStep,
  settleCors,
  thenOrNow,
} from './adapter.js';
export type { CorsOutcome, CorsPolicySource } from './adapter.js';
export { readAdapterOptions, readProtectionOptions } from './adapter-options.js';
export type {
  AdapterListenerOptions,
  ProtectionAdapterOptions,
  AdapterOptionSpec,
  AdapterOptions,
} from './adapter-options.js';
export { CorsError, CorsConfigError, isCorsConfigError } from './errors.js';
export {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  checkDecisionListener,
} from './adapter-errors.js';
export type { CorsConfigIssue, CorsConfigIssueCode } from './errors.js';
export { DENIED_ORIGIN_PREFLIGHT_STATUS, ERR_CORS_FUNCTION_RESULT } from './decision.js';
export type { CorsTraceStep } from './decision.js';
export { explainCorsDecision } from './explain.js';
export type { CorsExplanation } from './explain.js';
export {
  MAX_REQUEST_HEADERS_COUNT,
  MAX_REQUEST_HEADERS_LENGTH,
  MAX_REQUEST_METHOD_LENGTH,
  isForbiddenRequestHeader,
} from './tokens.js';
export { CORS_REASONS } from './reasons.js';
export type {
  CheckedCorsOptions,
  CorsDecision,
  CorsHeaderName,
  CorsOptions,
  CorsPolicy,
  CorsReason,
  CorsRequest,
  CorsSpecificOptions,
  CorsWildcardOptions,
  CredentialsFunction,
  DecisionFor,
  NormalizedCorsOptions,
  OriginEntry,
  OriginFunction,
} from './types.js';
export {
  CROSS_ORIGIN_REASONS,
  CROSS_ORIGIN_REFUSAL_STATUS,
  checkCrossOriginFromHeaderRecord,
  checkCrossOriginFromHeaders,
  checkCrossOriginFromRequest,
  checkCrossOriginFromNodeRequest,
  settleCrossOriginCheck,
  createCrossOriginProtection,
  createCrossOriginProtectionFromCors,
  crossOriginRequestFromHeaderRecord,
  crossOriginRequestFromHeaders,
  crossOriginRefusalResponse,
} from './cross-origin-protection.js';
export type {
  CrossOriginConfigIssue,
  CrossOriginConfigIssueCode,
  CrossOriginDecision,
  CrossOriginDecisionFor,
  CrossOriginDecisionFromCors,
  CrossOriginProtection,
  CrossOriginProtectionOptions,
  CrossOriginReason,
  CrossOriginRefusalResponse,
  CrossOriginRequest,
  NodeRequestLike,
} from './cross-origin-protection.js';
