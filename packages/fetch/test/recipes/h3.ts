// server.ts with h3 2 (Nitro's server): wrap the app's own fetch, so that every response it
// makes (routes, errors, 404s) gets the headers, and preflights never reach a route.
import { H3 } from 'h3';
import { withCors } from '@cors/fetch';

const app = new H3();
app.get('/api/me', () => ({ user: 'ada' }));

export default {
  fetch: withCors((request: Request) => app.fetch(request), {
    origin: ['https://app.example.com'],
    credentials: true,
  }),
};
