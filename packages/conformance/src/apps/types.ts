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
 */
import type { CorsOptions } from '@cors/core';

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
