// server.ts with Elysia on Bun: wrap the app's own fetch (routes, errors and 404s get the headers).
import { Elysia } from 'elysia';
import { withCors } from '@cors/fetch';

const app = new Elysia().get('/api/me', () => ({ user: 'ada' }));

export default {
  fetch: withCors((request: Request) => app.fetch(request), {
    origin: ['https://app.example.com'],
    credentials: true,
  }),
};
