/**
 * The playground API on NestJS with @nestjs/platform-fastify: the very Nest app of
 * nest-express.js (`CorsModule.forRoot(...)`, `@Cors(...)` on /strict), on Fastify. @cors/nestjs
 * answers with the same bytes on both platforms.
 */
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { misconfigureNest, startNestApi } from './nest-express.js';

export default {
  name: 'NestJS (Fastify)',
  misconfigure: () => misconfigureNest(new FastifyAdapter()),
  async start({ pageOrigin, log }) {
    return startNestApi({ id: 'nest-fastify', adapter: new FastifyAdapter(), pageOrigin, log });
  },
};
