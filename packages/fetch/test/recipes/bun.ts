// server.ts: `bun run server.ts` serves the default export (port $PORT, else 3000).
import { withCors } from '@cors/fetch';

export default {
  fetch: withCors((request: Request) => Response.json({ path: new URL(request.url).pathname }), {
    origin: ['https://app.example.com'],
    credentials: true,
  }),
};
