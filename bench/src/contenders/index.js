// The frameworks, in report order. Adding one is one module here and one line below.
import node from './node.js';
import express from './express.js';
import fastify from './fastify.js';
import koa from './koa.js';
import nestExpress from './nest-express.js';
import nestFastify from './nest-fastify.js';
import hono from './hono.js';
import fetchHandler from './fetch.js';

export const FRAMEWORKS = [
  node,
  express,
  fastify,
  koa,
  nestExpress,
  nestFastify,
  hono,
  fetchHandler,
];
