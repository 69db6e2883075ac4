/** The spec app on Bun: `bun run` this file's bundle; it prints `{"port": n}`. */
import { specApp } from './spec-app.js';

declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { port: number };
};

const app = specApp();
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
console.log(JSON.stringify({ port: server.port }));
