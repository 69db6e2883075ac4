/**
 * The public types of @cors/core. `CorsRequest` and `CorsDecision` are plain data so that any
 * server, in any runtime, can call the core without adapters.
 */
import type {
  CrossOriginProtection,
  CrossOriginProtectionOptions,
} from './cross-origin-protection.js';
import type { CorsConfigIssue } from './errors.js';

/**
 * What the core reads from a request: its method and the raw values of four headers. The three
 * `Access-Control-Request-*` headers mean something only on `OPTIONS`; the adapters read them only
 * there, so an `origin` or `credentials` function sees them unset on other methods.
 */
export interface CorsRequest {
  /** The request method as received, e.g. `GET` or `OPTIONS`. */
  method: string;
  /** The raw `Origin` header value; `undefined` or `null` when absent. */
  origin?: string | null;
  /** The raw `Access-Control-Request-Method` header value. */
  requestMethod?: string | null;
  /** The raw `Access-Control-Request-Headers` header value. */
  requestHeaders?: string | null;
  /** The raw `Access-Control-Request-Private-Network` header value. */
  requestPrivateNetwork?: string | null;
}

/** The stable codes a decision reports in `reason`. See docs/reasons.md. */
export type CorsReason =
  | 'no-origin'
  | 'allowed'
  | 'origin-malformed'
  | 'origin-not-allowed'
  | 'method-malformed'
  | 'method-not-allowed'
  | 'headers-malformed'
  | 'headers-too-large'
  | 'header-not-allowed'
  | 'private-network-not-allowed'
  | 'cors-disabled';

/** The lower-case names of the response headers a decision may set. */
export type CorsHeaderName =
  | 'access-control-allow-origin'
  | 'access-control-allow-credentials'
  | 'access-control-allow-methods'
  | 'access-control-allow-headers'
  | 'access-control-allow-private-network'
  | 'access-control-expose-headers'
  | 'access-control-max-age';

/** What to do with a request. Decisions are read-only and may be shared between requests. */
export interface CorsDecision {
  /** `not-cors`: no `Origin`; `actual`: any other request with `Origin`; `preflight`: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
  readonly kind: 'not-cors' | 'actual' | 'preflight';
  /** Whether the CORS protocol lets the page read the response (`true` for `not-cors`). */
  readonly allowed: boolean;
  /** A stable code for why, see {@link CorsReason}. */
  readonly reason: CorsReason;
  /**
   * For a denial: a short human message naming the offending value (length-limited) and the option
   * to change. `undefined` otherwise (the key is always there: every decision has one shape).
   */
  readonly message?: string;
  /** The CORS response headers to set, lower-case names. */
  readonly headers: Readonly<Partial<Record<CorsHeaderName, string>>>;
  /** Tokens to merge into `Vary` with {@link appendVary} (`''` for none). */
  readonly vary: string;
  /** `true`: respond now with `status`, no body, and do not run the route. */
  readonly end: boolean;
  /** The status of the response to send when `end` is true; `undefined` otherwise (key present). */
  readonly status?: number;
}

/** Decides whether an origin is allowed; only ever called with a well-formed, non-`null` origin. */
export type OriginFunction = (origin: string, request: CorsRequest) => boolean | Promise<boolean>;

/** Decides whether to allow credentials for an allowed origin. */
export type CredentialsFunction = (
  origin: string,
  request: CorsRequest,
) => boolean | Promise<boolean>;

/**
 * One allowed origin:
 * - an exact origin, `'https://app.example.com'` or `'http://localhost:3000'`;
 * - a pattern: `'https://*.example.com'` (one or more subdomain labels, never the apex) or
 *   `'http://localhost:*'` (any port);
 * - `'null'`, for the opaque origin (sandboxed iframes, `file:` pages), only when listed;
 * - an anchored RegExp, `/^https:\/\/(app|admin)\.example\.com$/`;
 * - a function.
 */
export type OriginEntry = string | RegExp | OriginFunction;

/** Options shared by every policy. */
interface CorsCommonOptions {
  /**
   * Methods a preflight may ask for. `GET`, `HEAD` and `POST` never need listing. A string is split
   * on commas. `'*'` allows any method (not with credentials).
   * @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']
   * @example methods: ['GET', 'PUT']
   */
  methods?: string | readonly string[];
  /**
   * Request headers a preflight may ask for. Unset: reflect the requested names (each validated).
   * `[]`: no custom header. `'*'`: any header except `Authorization`, which must be listed too.
   * @default undefined (reflect)
   * @example allowedHeaders: ['Content-Type', 'Authorization']
   */
  allowedHeaders?: string | readonly string[];
  /**
   * Response headers the page may read beyond the safelisted ones. `'*'`: all (not with credentials).
   * @default []
   * @example exposedHeaders: ['ETag', 'X-Request-Id']
   */
  exposedHeaders?: string | readonly string[];
  /**
   * Seconds a browser may cache a preflight answer; `0` disables its cache. Chromium caps at 7200,
   * Firefox at 86400.
   * @default undefined (no header: browsers use 5 seconds)
   */
  maxAge?: number;
  /**
   * Pass allowed preflights on to the next handler instead of answering them. Denied preflights are
   * always answered.
   * @default false
   */
  preflightContinue?: boolean;
  /**
   * Status of an answered, allowed preflight (200–299).
   * @default 204
   */
  optionsSuccessStatus?: number;
  /**
   * Allow plain-`http` origins other than localhost and loopback together with credentials. Such
   * origins can be impersonated by anyone on the network path.
   * @default false
   */
  dangerouslyAllowInsecureOrigins?: boolean;
  /**
   * Cross-site request forgery protection, Go 1.25's `CrossOriginProtection` (docs/csrf.md): an
   * unsafe request (not `GET`, `HEAD`, `OPTIONS`) that a page of another origin sent is refused with
   * `403` before the route runs. It trusts the request's own origin, the origins this policy allows
   * **with credentials**, and the options' `trustedOrigins`. `true` is `{}`; `false` or unset: off.
   * Validated with the rest of the policy; its problems are named `crossOriginProtection.<option>`.
   * @default undefined (off)
   * @example crossOriginProtection: { bypass: ['POST /oauth/callback'] }
   */
  crossOriginProtection?: boolean | CrossOriginProtectionOptions;
}

/** A public resource: any origin may read it, without credentials. */
export interface CorsWildcardOptions extends CorsCommonOptions {
  /** `'*'`: any origin may read responses, without credentials. */
  origin: '*';
  /** Credentials cannot go with `origin: '*'`. */
  credentials?: false;
  /** Private Network Access needs specific origins. */
  allowPrivateNetwork?: false;
}

/** Specific origins. */
export interface CorsSpecificOptions extends CorsCommonOptions {
  /**
   * Which origins may read responses: one entry or a list. Required: there is no silent default.
   * @example origin: ['https://app.example.com', 'https://*.example.com']
   */
  origin: OriginEntry | readonly OriginEntry[];
  /**
   * Whether the page may send and read credentials (cookies, HTTP auth, client certificates).
   * @default false
   */
  credentials?: boolean | CredentialsFunction;
  /**
   * Answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`) with
   * `Access-Control-Allow-Private-Network: true`.
   * @default false
   */
  allowPrivateNetwork?: boolean;
}

/** Options of {@link createCorsPolicy}. */
export type CorsOptions = CorsWildcardOptions | CorsSpecificOptions;

/**
 * Compile-time checks of combinations a plain type cannot rule out (`'*'` is also a `string`):
 * `createCorsPolicy({ origin: '*', credentials: true })` does not type-check.
 */
export type CheckedCorsOptions<O> = O extends { origin: '*' }
  ? O extends { credentials: true | ((...args: never[]) => unknown) }
    ? { credentials: "credentials cannot go with origin '*': list the origins instead" }
    : O extends { allowPrivateNetwork: true }
      ? { allowPrivateNetwork: "allowPrivateNetwork needs specific origins, not '*'" }
      : unknown
  : unknown;

/** True when `F` may return a promise. */
type MayBeAsync<F> = F extends (...args: never[]) => infer R
  ? Promise<boolean> extends R
    ? true
    : false
  : false;
type EntryMayBeAsync<E> = E extends readonly (infer I)[] ? MayBeAsync<I> : MayBeAsync<E>;

/** `CorsDecision`, or a promise of one when an option given is an async function. */
export type DecisionFor<O> = O extends { origin: infer Or; credentials?: infer Cr }
  ? true extends EntryMayBeAsync<Or> | MayBeAsync<Cr>
    ? Promise<CorsDecision>
    : CorsDecision
  : CorsDecision | Promise<CorsDecision>;

/** A compiled policy. Create it once, at start-up, and call `decide` per request. */
export interface CorsPolicy<
  D extends CorsDecision | Promise<CorsDecision> = CorsDecision | Promise<CorsDecision>,
> {
  /** Decides a request. Synchronous unless an option is an async function. */
  decide(request: CorsRequest): D;
  /** The options, normalised: lists as arrays, defaults filled in. */
  readonly options: Readonly<NormalizedCorsOptions>;
  /**
   * Problems that do not stop the policy but deserve a look, in the shape of `CorsConfigError`'s
   * issues: today a pattern over a public suffix without credentials
   * (`origin_pattern_public_suffix`). Empty when there is nothing to say; log it at start-up.
   */
  readonly warnings: readonly CorsConfigIssue[];
  /**
   * The cross-origin (CSRF) protection compiled from the `crossOriginProtection` option, or `null`
   * when it is off. Adapters call it through `checkCrossOriginFromHeaderRecord` /
   * `checkCrossOriginFromRequest`, once per request that is not a preflight.
   */
  readonly crossOriginProtection: CrossOriginProtection | null;
}

/** The options after validation, with defaults applied. */
export interface NormalizedCorsOptions {
  readonly origin: '*' | readonly OriginEntry[];
  readonly credentials: boolean | CredentialsFunction;
  readonly methods: '*' | readonly string[];
  readonly allowedHeaders: 'reflect' | readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAge: number | undefined;
  readonly preflightContinue: boolean;
  readonly optionsSuccessStatus: number;
  readonly allowPrivateNetwork: boolean;
  readonly dangerouslyAllowInsecureOrigins: boolean;
}
