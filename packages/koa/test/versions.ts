/**
 * Every suite runs on both supported majors: `koa2` is Koa 2 (2.16) and `koa` is Koa 3, installed
 * side by side.
 */
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { close, listenKoa } from './http.js';

export type KoaClass = typeof Koa3;
export type App = Koa3;

export const koaVersions: readonly { readonly name: string; readonly Koa: KoaClass }[] = [
  { name: 'Koa 2', Koa: Koa2 },
  { name: 'Koa 3', Koa: Koa3 },
];

/** A new app that does not print the errors the tests provoke (they are asserted instead). */
export function newApp(Koa: KoaClass): App {
  const app = new Koa();
  app.silent = true;
  return app;
}

/** Serves `app` on a free loopback port for the duration of `run`, then closes it. */
export async function withServer<T>(app: App, run: (port: number) => Promise<T>): Promise<T> {
  const { server, port } = await listenKoa(app);
  try {
    return await run(port);
  } finally {
    await close(server);
  }
}
