// Nest 11 on Express. Peer: `app.enableCors()` (the `cors` package). Ours: CorsModule from @cors/nestjs.
import { ExpressAdapter } from '@nestjs/platform-express';
import { listenNest, nestHandler } from './nest.js';

export default {
  id: 'nest-express',
  title: 'Nest 11 (Express)',
  peer: 'enableCors (cors)',
  ours: '@cors/nestjs',
  inprocess: [
    {
      level: 'app',
      shape: 'app',
      create: (kind, policy, answer) => nestHandler(new ExpressAdapter(), kind, policy, answer),
    },
  ],
  listen: (kind, policy) => listenNest(new ExpressAdapter(), kind, policy),
};
