/**
 * Every adapter serves the same app, so one suite can replay the same requests against all of them.
 *
 * Routes (all under the main policy, except /strict/*):
 * - ANY  /vector          → 200 "route" (the spec table's target; every method reaches it)
 * - GET  /api/hello       → 200 JSON { adapter, message: "hello" }
 * - POST /api/login       → 204, Set-Cookie: session=<adapter>; Path=/; SameSite=Lax
 * - GET  /api/me          → 200 JSON { session: <cookie or null> }
 * - PUT, DELETE /api/items/42 → 200 JSON { method, custom: <X-Custom> }
 * - GET  /api/exposed     → 200, X-Request-Id: 42, X-Hidden: secret
 * - GET  /api/boom        → the framework's 500 for a thrown Error
 * - anything else         → the framework's 404
 * - GET, PUT /strict/hello → 200 JSON, under the `strict` policy
 *
 * Per-route rows (issue 13):
 * - /strict/* is under the `strict` policy, errors included (GET /strict/boom → the framework's
 *   500). Where it is a scoped mount (node-http, Express, Koa), its 404s (GET /strict/nope) carry
 *   that policy too; Fastify and Nest give /strict a route-level policy, and a path no route has is
 *   the app's (Fastify's scoped 404s are tested in packages/fastify)
 * - PUT  /off             → 200 "off", CORS off (the core's `cors-disabled` decision)
 * - GET  /vary            → 200 "vary", and the route sets `Vary: Accept-Encoding` after CORS ran
 * - GET, PUT /tenant      → 200 "tenant", the policy chosen per request by Host ({@link tenantPolicy})
 */
import { createCorsPolicy, type CorsOptions, type CorsPolicy } from '@cors/core';

export interface AppConfig {
  /** The main policy. */
  readonly policy: CorsOptions;
  /** The policy of /strict/* (default: only https://admin.example.com). */
  readonly strict?: CorsOptions;
}

export interface RunningApp {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every request that reached the server (counted before any middleware). */
  readonly requests: { method: string; url: string }[];
  close(): Promise<void>;
}

export interface AdapterApp {
  /** A stable, readable name: `node-http`, `express5`, `fastify`, … */
  readonly name: string;
  start(config: AppConfig): Promise<RunningApp>;
}

export const DEFAULT_STRICT: CorsOptions = { origin: ['https://admin.example.com'] };

export class BoomError extends Error {
  constructor() {
    super('boom');
  }
}

/** The tenants of the per-request selection rows: allowed origin by Host. */
export const TENANTS: Readonly<Record<string, string>> = Object.freeze({
  'a.example': 'https://app.a.example',
  'b.example': 'https://app.b.example',
});

/**
 * The selector every app uses for /tenant: one policy per tenant, compiled once, chosen by the
 * Host header; an unknown host gets a policy that allows no tenant origin.
 */
export function tenantPolicy(): (host: string | undefined) => CorsPolicy {
  const byHost = new Map(
    Object.entries(TENANTS).map(([host, origin]) => [host, createCorsPolicy({ origin: [origin] })]),
  );
  const fallback = createCorsPolicy({ origin: ['https://nobody.example'] });
  return (host) => byHost.get(host ?? '') ?? fallback;
}
