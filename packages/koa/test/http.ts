/**
 * Real servers on 127.0.0.1 port 0 and real requests through `node:http`: the same helpers as the
 * @cors/node tests (one copy, so both adapters are driven the same way), plus serving a Koa app.
 */
import http, { type RequestListener, type Server } from 'node:http';
import { listen } from '../../node/test/http.js';

export * from '../../node/test/http.js';

/** A Koa application of either major version, as far as these tests use it. */
export interface KoaApp {
  callback(): RequestListener;
}

/** Serves a Koa app on a free loopback port. */
export function listenKoa(app: KoaApp): Promise<{ server: Server; port: number }> {
  return listen(http.createServer(app.callback()));
}
