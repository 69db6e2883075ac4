/** Just enough types for the two peers that ship none (the tests configure them, nothing more). */
declare module 'cors' {
  import type { RequestHandler } from 'express';
  namespace expressCors {
    interface CorsOptions {
      origin?: boolean | string | RegExp | (string | RegExp)[];
      credentials?: boolean;
      methods?: string | string[];
      allowedHeaders?: string | string[];
      exposedHeaders?: string | string[];
      maxAge?: number;
    }
  }
  function expressCors(options?: expressCors.CorsOptions): RequestHandler;
  export = expressCors;
}

declare module '@koa/cors' {
  import type { Middleware } from 'koa';
  namespace koaCors {
    interface Options {
      origin?: string | ((ctx: unknown) => string | Promise<string>);
      credentials?: boolean;
      allowMethods?: string | string[];
      allowHeaders?: string | string[];
      exposeHeaders?: string | string[];
      maxAge?: number | string;
    }
  }
  function koaCors(options?: koaCors.Options): Middleware;
  export = koaCors;
}
