// src/hooks.server.ts
import type { Handle } from '@sveltejs/kit';
import { createCorsPolicy } from '@cors/core';
import { applyCors, corsPreflight } from '@cors/fetch';

const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });

export const handle: Handle = async ({ event, resolve }) => {
  if (!event.url.pathname.startsWith('/api/')) return resolve(event);
  return (
    corsPreflight(event.request, policy) ?? applyCors(event.request, await resolve(event), policy)
  );
};
