// @koa/cors ships no types; the tests only call its factory, to show its behaviour next to ours.
declare module '@koa/cors' {
  import type { Middleware } from 'koa';
  export interface KoaCorsOptions {
    origin?: string | ((ctx: unknown) => string | Promise<string>);
    allowMethods?: string | string[];
    exposeHeaders?: string | string[];
    allowHeaders?: string | string[];
    maxAge?: number | string;
    credentials?: boolean | ((ctx: unknown) => boolean | Promise<boolean>);
    keepHeadersOnError?: boolean;
  }
  export default function koaCors(options?: KoaCorsOptions): Middleware;
}
