/** The spec server on Deno: `deno run --allow-net` this file's bundle; it prints `{"port": n}`. */
import { appFetch } from './app.js';

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ port })),
  },
  appFetch,
);
