// Nest 11 on Fastify. Peer: `app.enableCors()` (`@fastify/cors`). Ours: CorsModule from @cors/nestjs.
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { listenNest, NEST_INPROCESS_NOTE } from './nest.js';

export default {
  id: 'nest-fastify',
  title: 'Nest 11 (Fastify)',
  peer: 'enableCors (@fastify/cors)',
  ours: '@cors/nestjs',
  inprocess: { note: NEST_INPROCESS_NOTE },
  listen: (kind, policy) => listenNest(new FastifyAdapter(), kind, policy),
};
