// Nest 11 on Express. Peer: `app.enableCors()` (the `cors` package). Ours: CorsModule from @cors/nestjs.
// The middleware alone: what each installs in front of Nest's middleware, called with the same
// minimal objects as the node:http row. `enableCors(options)` is `app.use(cors(options))`; ours is
// CorsModule's request hook, route lookup included (it finds the route's @Cors() policy).
import { ExpressAdapter } from '@nestjs/platform-express';
import corsPackage from 'cors';
import { listenNest, nestHandler, nestRequestHook } from './nest.js';
import { corsOptions } from './options.js';

export default {
  id: 'nest-express',
  title: 'Nest 11 (Express)',
  peer: 'enableCors (cors)',
  ours: '@cors/nestjs',
  inprocess: [
    {
      level: 'middleware',
      shape: 'node',
      create: (kind, policy) =>
        kind === 'peer'
          ? corsPackage(corsOptions(policy))
          : nestRequestHook(new ExpressAdapter(), policy),
    },
    {
      level: 'app',
      shape: 'app',
      create: (kind, policy, answer) => nestHandler(new ExpressAdapter(), kind, policy, answer),
    },
  ],
  listen: (kind, policy) => listenNest(new ExpressAdapter(), kind, policy),
};
