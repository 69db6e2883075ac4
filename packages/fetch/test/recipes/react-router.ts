// app/routes/api.me.ts, a resource route of React Router 7 (Remix): the loader answers GET, and the
// action every other method, preflights included.
import type { ActionFunctionArgs, LoaderFunctionArgs } from 'react-router';
import { createCorsPolicy } from '@cors/core';
import { applyCors, corsPreflight } from '@cors/fetch';

const policy = createCorsPolicy({ origin: ['https://app.example.com'], methods: ['PUT'] });

export function loader({ request }: LoaderFunctionArgs) {
  return applyCors(request, Response.json({ user: 'ada' }), policy);
}

export async function action({ request }: ActionFunctionArgs) {
  const preflight = corsPreflight(request, policy);
  if (preflight !== undefined) return preflight;
  return applyCors(request, Response.json({ updated: true }), policy);
}
