/** The doctor's data: what a page asks for, what went over the wire, and what the browser concludes. */

/** What a page's `fetch(url, init)` asks for, in the terms the doctor needs. */
export interface PageRequest {
  /** The URL fetched. */
  readonly url: string;
  /** The page's origin, serialized as a browser sends it in `Origin`. */
  readonly origin: string;
  /** The method as the page wrote it (`fetch` normalizes `get`, `post`, … but not `patch`). */
  readonly method: string;
  /** The headers the page sets, in order, as written. */
  readonly headers: readonly (readonly [string, string])[];
  /** `credentials: 'include'` (cookies, HTTP auth, client certificates). */
  readonly credentials: boolean;
}

/** How serious a finding is. `error`: the browser blocks the page; the rest are scan levels. */
export type Severity = 'error' | 'high' | 'warning' | 'info';

export interface Finding {
  /** A stable id, e.g. `missing-allow-origin` or `scan/reflects-any-origin`. */
  readonly id: string;
  readonly severity: Severity;
  /** What the browser says or what was found, in one sentence (Chromium's words where it has some). */
  readonly message: string;
  /** What to change. */
  readonly fix?: string;
}

/** One HTTP exchange the doctor made, as sent and as received. */
export interface Step {
  /** `preflight`, `actual`, `redirect` (a hop of the actual request) or `scan`. */
  readonly kind: 'preflight' | 'actual' | 'redirect' | 'scan';
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: readonly (readonly [string, string])[];
  };
  /** Absent when the request failed (then `error` says why). */
  readonly response?: {
    readonly status: number;
    /** Header lines as received, names lower case, in order; repeated lines stay separate. */
    readonly headers: readonly (readonly [string, string])[];
  };
  readonly error?: string;
  readonly durationMs: number;
}

/** The doctor's verdict on one page request. */
export interface Report {
  /** Whether the browser would let the page read the response. */
  readonly allowed: boolean;
  /** Whether the browser would send a preflight first. */
  readonly preflight: boolean;
  /** Why a preflight is or is not needed, one line per reason. */
  readonly preflightReasons: readonly string[];
  /** The page request the verdict is about. */
  readonly request: PageRequest;
  /** What was sent and received, in order. */
  readonly steps: readonly Step[];
  /** What the browser would say and what to fix; `error` findings explain a block. */
  readonly findings: readonly Finding[];
  /** Set when the probe itself failed (network, timeout): then `allowed` says nothing. */
  readonly probeError?: string;
}

/** A response reduced to what the browser's checks read: status and header lines. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
}
