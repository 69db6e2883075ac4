// Nest 11 on Fastify. Peer: `app.enableCors()` (`@fastify/cors`). Ours: CorsModule from @cors/nestjs.
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { listenNest, nestHandler } from './nest.js';

export default {
  id: 'nest-fastify',
  title: 'Nest 11 (Fastify)',
  peer: 'enableCors (@fastify/cors)',
  ours: '@cors/nestjs',
  inprocess: [
    {
      level: 'app',
      shape: 'app',
      create: (kind, policy, answer) => nestHandler(new FastifyAdapter(), kind, policy, answer),
    },
  ],
  listen: (kind, policy) => listenNest(new FastifyAdapter(), kind, policy),
};
