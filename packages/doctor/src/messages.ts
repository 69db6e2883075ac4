/**
 * What Chromium prints in the console when it blocks a response, word for word, and the fix for
 * each. The wording is Blink's `GetErrorString` in
 * third_party/blink/renderer/platform/loader/cors/cors_error_string.cc, as Chromium 156 prints it
 * (test/chromium.test.ts compares every blocked scenario with the real console line); the order of the checks that
 * pick one of them is `network::cors::CheckAccess` (services/network/public/cpp/cors/cors.cc) and
 * the preflight loader (services/network/cors/preflight_controller.cc, preflight_result.cc).
 */

/** Chromium's `network::mojom::CorsError` values the doctor can meet, as stable ids. */
export type CorsErrorId =
  | 'wildcard-origin-not-allowed'
  | 'missing-allow-origin'
  | 'multiple-allow-origin-values'
  | 'invalid-allow-origin-value'
  | 'allow-origin-mismatch'
  | 'invalid-allow-credentials'
  | 'preflight-invalid-status'
  | 'preflight-disallowed-redirect'
  | 'invalid-allow-methods'
  | 'invalid-allow-headers'
  | 'method-disallowed'
  | 'header-disallowed';

/** A failed check: which one, and the value Chromium quotes (`failed_parameter`). */
export interface CorsFailure {
  readonly id: CorsErrorId;
  readonly hint?: string;
  /** The failure came from the preflight's CORS check (Chromium prefixes those). */
  readonly preflight?: boolean;
}

/** Chromium's sentence for `fetch()` (the `initiator_name == fetch` branches). */
export function chromiumSentence(failure: CorsFailure): string {
  const hint = failure.hint ?? '';
  // Chromium 156 (the version test/chromium.test.ts compares with) ends these three with this
  // sentence; older versions went on with ", or, if an opaque response serves your needs, set the
  // request's mode to 'no-cors' …", and also appended that hint to the missing-header message.
  const validValue = ' Have the server send the header with a valid value.';
  switch (failure.id) {
    case 'wildcard-origin-not-allowed':
      return "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
    case 'missing-allow-origin':
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case 'multiple-allow-origin-values':
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${hint}', but only one is allowed.${validValue}`;
    case 'invalid-allow-origin-value':
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${hint}'.${validValue}`;
    case 'allow-origin-mismatch':
      return `The 'Access-Control-Allow-Origin' header has a value '${hint}' that is not equal to the supplied origin.${validValue}`;
    case 'invalid-allow-credentials':
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${hint}' which must be 'true' when the request's credentials mode is 'include'.`;
    case 'preflight-invalid-status':
      return 'It does not have HTTP ok status.';
    case 'preflight-disallowed-redirect':
      return 'Redirect is not allowed for a preflight request.';
    case 'invalid-allow-methods':
      return 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.';
    case 'invalid-allow-headers':
      return 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.';
    case 'method-disallowed':
      return `Method ${hint} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case 'header-disallowed':
      return `Request header field ${hint} is not allowed by Access-Control-Allow-Headers in preflight response.`;
  }
}

/** The errors Chromium introduces with "Response to preflight request doesn't pass access control check: ". */
const PREFIXED_ON_PREFLIGHT: ReadonlySet<CorsErrorId> = new Set<CorsErrorId>([
  'wildcard-origin-not-allowed',
  'missing-allow-origin',
  'multiple-allow-origin-values',
  'invalid-allow-origin-value',
  'allow-origin-mismatch',
  'invalid-allow-credentials',
  'preflight-invalid-status',
  'preflight-disallowed-redirect',
]);

/**
 * The whole console line, as Chromium prints it for a `fetch()` from a page on `origin` to `url`.
 * After redirects, `url` is the last URL and `initialUrl` the one the page fetched; `origin` stays
 * the page's, even where the request carried `Origin: null`.
 */
export function chromiumConsoleMessage(
  failure: CorsFailure,
  url: string,
  origin: string,
  initialUrl: string = url,
): string {
  const preflight =
    failure.preflight && PREFIXED_ON_PREFLIGHT.has(failure.id)
      ? "Response to preflight request doesn't pass access control check: "
      : '';
  const redirected = initialUrl !== url ? `(redirected from '${initialUrl}') ` : '';
  return `Access to fetch at '${url}' ${redirected}from origin '${origin}' has been blocked by CORS policy: ${preflight}${chromiumSentence(failure)}`;
}

/** What to change on the server (or the page) for each failure. */
export function fixFor(failure: CorsFailure, origin: string): string {
  const hint = failure.hint ?? '';
  const answer = failure.preflight ? 'the preflight (OPTIONS) answer' : 'the response';
  switch (failure.id) {
    case 'wildcard-origin-not-allowed':
      return `Answer with 'Access-Control-Allow-Origin: ${origin}' and 'Access-Control-Allow-Credentials: true' (list the origin in the server's allowlist), or drop credentials: 'include' from the page.`;
    case 'missing-allow-origin':
      return `Make ${answer} carry 'Access-Control-Allow-Origin: ${origin}': add the origin to the server's allowlist, exactly as written here (scheme, host and port). If the server's CORS layer never ran, register it before routers, auth and error handlers.`;
    case 'multiple-allow-origin-values':
      return 'Keep one CORS layer: two of them (a proxy and the app, or two middlewares) each add the header.';
    case 'invalid-allow-origin-value':
      return `Send one origin, serialized as the browser sends it ('${origin}'), or '*'.`;
    case 'allow-origin-mismatch':
      return `Send back exactly '${origin}', byte for byte. A fixed value, a cache that ignores 'Vary: Origin', or a differently written origin (trailing slash, case, default port) gives this.`;
    case 'invalid-allow-credentials':
      return `Send 'Access-Control-Allow-Credentials: true' (exactly, lower case) on ${answer} for this origin, or drop credentials: 'include' from the page.`;
    case 'preflight-invalid-status':
      return "Answer the preflight (OPTIONS with Access-Control-Request-Method) with a 2xx status, usually 204: something after the CORS layer (a router, auth, the framework's 404/405) answered it.";
    case 'preflight-disallowed-redirect':
      return 'Call the final URL from the page (scheme, host and trailing slash included): a preflight never follows a redirect.';
    case 'invalid-allow-methods':
      return "Send 'Access-Control-Allow-Methods' as a comma-separated list of method tokens.";
    case 'invalid-allow-headers':
      return "Send 'Access-Control-Allow-Headers' as a comma-separated list of header names.";
    case 'method-disallowed':
      return `Add ${hint} to 'Access-Control-Allow-Methods' (the server's allowed methods; the comparison is case-sensitive), or use a method that needs no preflight.`;
    case 'header-disallowed':
      return hint === 'authorization'
        ? "List 'Authorization' in 'Access-Control-Allow-Headers' by name: '*' never covers it."
        : `Add '${hint}' to 'Access-Control-Allow-Headers' (the server's allowed headers), or stop sending it from the page.`;
  }
}
