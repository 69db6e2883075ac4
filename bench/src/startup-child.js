// Figure (c), the child: one fresh process that imports one CORS library and configures it, and
// prints how long each step took (process CPU time and wall time, ms) as one JSON line.
//
// Usage (by ./startup.js): node src/startup-child.js <contender>
//   ours, cors, @fastify/cors, @koa/cors, hono/cors   import + configure with five origins
//   ours-100000                                      compile a 100,000-origin policy (the import
//                                                    and the list are not timed)
import { performance } from 'node:perf_hooks';
import { corsOptions, honoCorsOptions, koaCorsOptions, oursOptions } from './contenders/options.js';
import { ALLOWED_HEADERS, FIVE_ORIGINS, METHODS, listEndingWithApp } from './origins.js';

const policy = (origins) => ({
  origins,
  pattern: false,
  credentials: true,
  methods: METHODS,
  allowedHeaders: ALLOWED_HEADERS,
});

/**
 * Each contender: `load()` imports the package, `configure(module)` builds what an application
 * would keep (a compiled policy, a middleware). `@fastify/cors` is a plugin: what it does when
 * registered (decorating the instance, adding a hook and a route) is Fastify's work, so it is
 * configured by building its options, which leaves it its lowest possible cost.
 */
const CONTENDERS = {
  ours: {
    load: () => import('@cors/core'),
    configure: (core) => core.createCorsPolicy(oursOptions(policy(FIVE_ORIGINS))),
  },
  cors: {
    load: () => import('cors'),
    configure: (cors) => cors.default(corsOptions(policy(FIVE_ORIGINS))),
  },
  '@fastify/cors': {
    load: () => import('@fastify/cors'),
    configure: (plugin) => [plugin.default, corsOptions(policy(FIVE_ORIGINS))],
  },
  '@koa/cors': {
    load: () => import('@koa/cors'),
    configure: (koaCors) => koaCors.default(koaCorsOptions(policy(FIVE_ORIGINS))),
  },
  'hono/cors': {
    load: () => import('hono/cors'),
    configure: (hono) => hono.cors(honoCorsOptions(policy(FIVE_ORIGINS))),
  },
};

function mark() {
  const { user, system } = process.cpuUsage();
  return { cpu: (user + system) / 1000, wall: performance.now() };
}

const since = (start, end) => ({ cpu: end.cpu - start.cpu, wall: end.wall - start.wall });

const id = process.argv[2];
let timings;
if (id === 'ours-100000') {
  const core = await import('@cors/core');
  const options = oursOptions(policy(listEndingWithApp(100_000)));
  const start = mark();
  core.createCorsPolicy(options);
  timings = { compile: since(start, mark()) };
} else {
  const contender = CONTENDERS[id];
  if (!contender) throw new Error(`unknown contender ${id}`);
  const start = mark();
  const module = await contender.load();
  const imported = mark();
  contender.configure(module);
  const configured = mark();
  timings = {
    import: since(start, imported),
    configure: since(imported, configured),
    total: since(start, configured),
  };
}
process.stdout.write(`${JSON.stringify(timings)}\n`);
