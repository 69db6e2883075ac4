import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningApp } from './types.js';

/** Counts requests as they arrive, before any framework or middleware sees them. */
export function countRequests(server: Server): RunningApp['requests'] {
  const requests: RunningApp['requests'] = [];
  server.prependListener('request', (req) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
  });
  return requests;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function running(
  server: Server,
  port: number,
  requests: RunningApp['requests'],
  close?: () => Promise<void>,
): RunningApp {
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: close ?? (() => closeServer(server)),
  };
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
