// src/index.ts of a Worker (module syntax); env and ctx reach the handler unchanged.
import { createCorsPolicy } from '@cors/core';
import { withCors } from '@cors/fetch';

interface Env {
  GREETING?: string;
}

const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });

export default {
  fetch: withCors(
    (_request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }) => {
      ctx.waitUntil(Promise.resolve());
      return Response.json({ greeting: env.GREETING ?? 'hello from a worker' });
    },
    policy,
  ),
};
