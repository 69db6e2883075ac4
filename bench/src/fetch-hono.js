/* global Request, Response */
// In-process cost of @cors/hono against hono/cors on Hono 4, and of @cors/fetch's withCors against
// a wrapper that sets the same headers statically, per request, in CPU time.
//
//   node src/fetch-hono.js            # Hono and fetch rows on Node
//   ../node_modules/.bin/bun src/fetch-hono.js fetch   # the fetch row on Bun
//
// Each contender runs its own copy of the loop (app.fetch(request) awaited N times) and is paired
// with the bare app or handler; samples alternate (bare, peer/static, ours, ...). A cell is the
// median over samples of `contender − bare`, in ns per request, with the min and max. The same
// Request object is reused for every call of a scenario (its headers are only read), so that
// building it is not timed.
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { cors } from '@cors/hono';
import { withCors } from '@cors/fetch';
import { oursOptions } from './contenders/options.js';
import { POLICIES, SCENARIOS, SUBDOMAIN_REGEXP } from './scenarios.js';

const runtime =
  typeof globalThis.Bun === 'undefined'
    ? `Node ${process.version}`
    : `Bun ${globalThis.Bun.version}`;
const only = process.argv[2];
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 11);
const SAMPLE_NS = Number(process.env.BENCH_SAMPLE_MS ?? 25) * 1e6;
const scenarios = SCENARIOS.filter((s) => !s.hostile && s.id !== 'S5-100000');

/** hono/cors' options for the same policy: its origin list, or a function for the pattern. */
function honoPeerOptions(policy) {
  return {
    origin: policy.pattern
      ? (origin) => (SUBDOMAIN_REGEXP.test(origin) ? origin : null)
      : policy.origins,
    credentials: policy.credentials,
    allowMethods: policy.methods,
    allowHeaders: policy.allowedHeaders ?? [],
  };
}

const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/** ns of CPU per call of `call`, over about SAMPLE_NS. */
async function sample(call, iterations) {
  const start = cpuNs();
  for (let i = 0; i < iterations; i++) await call();
  return (cpuNs() - start) / iterations;
}

async function calibrate(call) {
  let iterations = 200;
  for (;;) {
    const start = cpuNs();
    for (let i = 0; i < iterations; i++) await call();
    const spent = cpuNs() - start;
    if (spent > SAMPLE_NS / 4) return Math.max(200, Math.round((iterations * SAMPLE_NS) / spent));
    iterations *= 4;
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Times `contenders` (name → async () => Response) against `bare`; returns name → stats. */
async function measure(bare, contenders) {
  const calls = { bare, ...contenders };
  const iterations = {};
  for (const [name, call] of Object.entries(calls)) {
    for (let i = 0; i < 2000; i++) await call(); // warm-up
    iterations[name] = await calibrate(call);
  }
  const diffs = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let s = 0; s < SAMPLES; s++) {
    const base = await sample(bare, iterations.bare);
    for (const [name, call] of Object.entries(contenders)) {
      diffs[name].push((await sample(call, iterations[name])) - base);
    }
  }
  return Object.fromEntries(
    Object.entries(diffs).map(([name, values]) => [
      name,
      { median: median(values), min: Math.min(...values), max: Math.max(...values) },
    ]),
  );
}

const toRes = async (response) => ({
  status: response.status,
  headers: Object.fromEntries(response.headers),
  routeRan: response.headers.get('x-route') === 'ran',
});

function honoApp(middleware) {
  const app = new Hono();
  if (middleware) app.use(middleware);
  app.all('*', (c) => c.text('ok', 200, { 'x-route': 'ran' }));
  return app;
}

const fmt = (s) => `${Math.round(s.median)} (${Math.round(s.min)}…${Math.round(s.max)})`;
const ratio = (a, b) => (b.median > 0 ? `${(a.median / b.median).toFixed(2)}×` : 'n/a');

async function honoRows() {
  console.log(`\n### @cors/hono vs hono/cors on Hono (${runtime}), ns added per request\n`);
  console.log('| Scenario | hono/cors | @cors/hono | ours/peer |');
  console.log('| --- | --- | --- | --- |');
  for (const scenario of scenarios) {
    const policy = POLICIES[scenario.policy];
    const request = new Request('http://api.example.com/', scenario.request);
    const apps = {
      bare: honoApp(),
      peer: honoApp(honoCors(honoPeerOptions(policy))),
      ours: honoApp(cors(oursOptions(policy))),
    };
    const problems = [];
    for (const kind of ['peer', 'ours']) {
      const problem = scenario.check(await toRes(await apps[kind].fetch(request)), kind);
      if (problem) problems.push(`${kind}: ${problem}`);
    }
    if (problems.length > 0) {
      console.log(`| ${scenario.id} | check failed: ${problems.join('; ')} | | |`);
      continue;
    }
    const stats = await measure(() => apps.bare.fetch(request), {
      peer: () => apps.peer.fetch(request),
      ours: () => apps.ours.fetch(request),
    });
    console.log(
      `| ${scenario.id} ${scenario.title} | ${fmt(stats.peer)} | ${fmt(stats.ours)} | ${ratio(stats.ours, stats.peer)} |`,
    );
  }
}

async function fetchRows() {
  console.log(`\n### @cors/fetch vs static headers (${runtime}), ns added per request\n`);
  console.log('| Scenario | static | withCors | ours/static |');
  console.log('| --- | --- | --- | --- |');
  const handler = () => new Response('ok', { headers: { 'x-route': 'ran' } });
  for (const scenario of scenarios) {
    const policy = POLICIES[scenario.policy];
    const request = new Request('http://api.example.com/', scenario.request);
    const ours = withCors(handler, oursOptions(policy));
    // The static wrapper sets exactly what ours answered, precomputed, with no checks.
    const answer = await ours(request);
    const headers = [...answer.headers].filter(
      ([name]) => name !== 'x-route' && name !== 'content-type',
    );
    const preflightAnswer = !(answer.headers.get('x-route') === 'ran');
    const staticWrapper = preflightAnswer
      ? () => new Response(null, { status: answer.status, headers })
      : (req) => {
          const response = handler(req);
          for (const [name, value] of headers) response.headers.set(name, value);
          return response;
        };
    const problem = scenario.check(await toRes(answer), 'ours');
    if (problem) {
      console.log(`| ${scenario.id} | check failed: ${problem} | | |`);
      continue;
    }
    const stats = await measure(async () => handler(request), {
      static: async () => staticWrapper(request),
      ours: async () => ours(request),
    });
    console.log(
      `| ${scenario.id} ${scenario.title} | ${fmt(stats.static)} | ${fmt(stats.ours)} | ${ratio(stats.ours, stats.static)} |`,
    );
  }
}

console.log(
  `# fetch-hono bench, ${new Date().toISOString()}, ${SAMPLES} samples of ~${SAMPLE_NS / 1e6} ms`,
);
if (only !== 'fetch') await honoRows();
if (only !== 'hono') await fetchRows();
