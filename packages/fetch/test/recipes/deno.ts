// server.ts: `deno serve --allow-net server.ts` serves the default export.
// Without a package.json, import from 'npm:@cors/fetch'.
import { withCors } from '@cors/fetch';

export default {
  fetch: withCors(() => Response.json({ runtime: 'deno' }), {
    origin: ['https://app.example.com'],
    exposedHeaders: ['X-Request-Id'],
  }),
};
