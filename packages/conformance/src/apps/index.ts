import { express4App, express5App } from './express.js';
import { fastifyApp } from './fastify.js';
import { koa2App, koa3App } from './koa.js';
import { nestExpressApp, nestFastifyApp } from './nest.js';
import { nodeHttpApp } from './node-http.js';
import type { AdapterApp } from './types.js';

export type { AdapterApp, AppConfig, RunningApp } from './types.js';

/** Every adapter, on every framework and version it supports. */
export const adapterApps: readonly AdapterApp[] = [
  nodeHttpApp,
  express4App,
  express5App,
  fastifyApp,
  koa2App,
  koa3App,
  nestExpressApp,
  nestFastifyApp,
];
