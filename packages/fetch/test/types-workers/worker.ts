/**
 * A Worker typed with @cloudflare/workers-types and no other lib (see tsconfig.workers-types.json):
 * the built package's types as a Workers user sees them, env and ctx included.
 */
import { createCorsPolicy } from '@cors/core';
import { applyCors, corsPreflight, withCors } from '@cors/fetch';

interface Env {
  ALLOWED: string;
}

const policy = createCorsPolicy({ origin: ['https://app.example.com'] });

export default {
  fetch: withCors((request: Request, env: Env, ctx: ExecutionContext) => {
    ctx.waitUntil(Promise.resolve());
    const preflight: Response | undefined = corsPreflight(request, policy);
    return preflight ?? applyCors(request, Response.json({ allowed: env.ALLOWED }), policy);
  }, policy),
} satisfies ExportedHandler<Env>;
