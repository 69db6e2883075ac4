// `npm run bench`: figure (a) in-process, then figure (b) over HTTP, then bench/RESULTS.md.
//
// Environment:
//   BENCH_QUICK=1             fewer, shorter samples: checks that everything works (about 3 min)
//   BENCH_ONLY=node,koa       only these frameworks (ids in src/contenders/index.js)
//   BENCH_SCENARIOS=S1,S5-10  only these scenarios
//   BENCH_SKIP=http           skip a figure ('http' or 'inprocess')
//   BENCH_OUT=path.md         where to write the report (default bench/RESULTS.md)
//   BENCH_ROUNDS, BENCH_PIPELINING  override the HTTP rounds and autocannon's pipelining (1)
import { mkdir, writeFile } from 'node:fs/promises';
import { FRAMEWORKS } from './contenders/index.js';
import { measureInProcess, median, pairedDifference } from './inprocess.js';
import { measureOnce, requestOnce, startServer, stopServer, warmUp } from './http.js';
import { collectMeta, loadAverage, renderReport } from './report.js';
import {
  HOSTILE_SIZES,
  SCENARIOS,
  checkBare,
  describeHostileAnswer,
  hostileScenario,
} from './scenarios.js';

const QUICK = process.env.BENCH_QUICK === '1';
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SETTINGS = QUICK
  ? {
      mode: 'quick',
      inprocess: { samples: 5, sampleMs: 5, warmUpMs: 50 },
      rounds: env('BENCH_ROUNDS', 2),
      load: { connections: 8, duration: 0.2, pipelining: env('BENCH_PIPELINING', 1) },
      warmUp: { connections: 8, duration: 0.1 },
      hostileLoad: { connections: 2, amount: 10 },
    }
  : {
      mode: 'full',
      inprocess: { samples: 15, sampleMs: 20, warmUpMs: 200 },
      rounds: env('BENCH_ROUNDS', 5),
      load: { connections: 8, duration: 0.5, pipelining: env('BENCH_PIPELINING', 1) },
      warmUp: { connections: 8, duration: 0.5 },
      hostileLoad: { connections: 2, amount: 40 },
    };

const list = (name) => process.env[name]?.split(',').filter(Boolean);
const onlyFrameworks = list('BENCH_ONLY');
const onlyScenarios = list('BENCH_SCENARIOS');
const skip = new Set(list('BENCH_SKIP') ?? []);
const frameworks = FRAMEWORKS.filter((f) => !onlyFrameworks || onlyFrameworks.includes(f.id));
const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id));
const KINDS = ['bare', 'peer', 'ours'];

const startedAt = Date.now();
function log(line) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`${seconds} s  ${line}\n`);
}

// ---- (a) in-process

async function inProcessFigure() {
  const rows = [];
  for (const framework of frameworks) {
    const { shape, sameAs, note } = framework.inprocess;
    if (!shape) {
      rows.push({ framework: framework.id, sameAs, note });
      continue;
    }
    const results = {};
    for (const scenario of scenarios) {
      log(`in-process  ${framework.id} ${scenario.id}`);
      results[scenario.id] = await measureInProcess(framework, scenario, SETTINGS.inprocess);
    }
    const growth = {};
    if (scenarios.some((s) => s.hostile)) {
      for (const size of HOSTILE_SIZES) {
        log(`in-process  ${framework.id} S7 at ${size} bytes`);
        growth[size] = await measureInProcess(framework, hostileScenario(size), SETTINGS.inprocess);
      }
    }
    rows.push({ framework: framework.id, shape, results, growth });
  }
  return rows;
}

// ---- (b) over HTTP

/** Starts bare, peer and ours for one policy; a server that cannot start is a failed cell. */
async function startServers(framework, policyId, largeHeaders) {
  const servers = {};
  await Promise.all(
    KINDS.map(async (kind) => {
      try {
        servers[kind] = await startServer(framework.id, kind, policyId, { largeHeaders });
      } catch (error) {
        servers[kind] = { error: error.message, missing: error.missing === true };
      }
    }),
  );
  return servers;
}

async function measureScenario(servers, scenario) {
  const load = scenario.hostile ? SETTINGS.hostileLoad : SETTINGS.load;
  const warm = scenario.hostile ? { ...SETTINGS.hostileLoad, amount: 10 } : SETTINGS.warmUp;
  const cells = {};
  const timed = [];
  for (const kind of KINDS) {
    const server = servers[kind];
    if (server.error) {
      cells[kind] = { status: server.missing ? 'missing' : 'failed', detail: server.error };
      continue;
    }
    const res = await requestOnce(server.port, scenario.request);
    const problem = kind === 'bare' ? checkBare(res) : scenario.check(res, kind);
    cells[kind] = problem ? { status: 'failed', detail: problem } : { status: 'ok' };
    if (scenario.hostile) cells[kind].observed = describeHostileAnswer(res);
    if (!problem) timed.push(kind);
  }
  if (!timed.includes('bare')) return cells; // nothing to pair with
  for (const kind of timed) await warmUp(servers[kind], scenario.request, warm);
  const ns = Object.fromEntries(timed.map((kind) => [kind, []]));
  for (let round = 0; round < SETTINGS.rounds; round++) {
    // Rotate the order each round, so no contender always runs first (or right after another).
    const order = timed.map((_, i) => timed[(i + round) % timed.length]);
    for (const kind of order) {
      const sample = await measureOnce(servers[kind], scenario.request, load);
      ns[kind].push(sample.ns);
      cells[kind].requests = (cells[kind].requests ?? 0) + sample.requests;
      cells[kind].errors = (cells[kind].errors ?? 0) + sample.errors;
    }
  }
  for (const kind of timed) {
    cells[kind].perRequest = median(ns[kind]);
    if (kind !== 'bare') cells[kind].added = pairedDifference(ns[kind], ns.bare);
  }
  return cells;
}

async function httpFigure() {
  const rows = [];
  const policies = [...new Set(scenarios.map((s) => s.policy))];
  for (const framework of frameworks) {
    const results = {};
    for (const policyId of policies) {
      const group = scenarios.filter((s) => s.policy === policyId);
      const largeHeaders = group.some((s) => s.hostile);
      log(`http        ${framework.id} starting servers for policy ${policyId}`);
      const servers = await startServers(framework, policyId, largeHeaders);
      try {
        for (const scenario of group) {
          log(`http        ${framework.id} ${scenario.id}`);
          results[scenario.id] = await measureScenario(servers, scenario);
        }
      } finally {
        await Promise.all(Object.values(servers).map((s) => (s.child ? stopServer(s) : null)));
      }
    }
    rows.push({ framework: framework.id, results });
  }
  return rows;
}

// ---- main

const meta = await collectMeta(SETTINGS);
const inprocess = skip.has('inprocess') ? [] : await inProcessFigure();
const overHttp = skip.has('http') ? [] : await httpFigure();
meta.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
meta.loadAverageEnd = loadAverage();
meta.oursAtEnd = (await collectMeta(SETTINGS)).ours;

const results = { meta, frameworks, scenarios, inprocess, http: overHttp };
const stored = {
  ...results,
  frameworks: frameworks.map((f) => f.id),
  scenarios: scenarios.map((s) => s.id),
};
const out = process.env.BENCH_OUT ?? new URL('../RESULTS.md', import.meta.url);
await writeFile(out, renderReport(results));
const raw = new URL('../results/', import.meta.url);
await mkdir(raw, { recursive: true });
await writeFile(
  new URL(`${meta.date.replace(/[:.]/g, '-')}-${meta.mode}.json`, raw),
  JSON.stringify(stored, null, 2),
);
log(`wrote ${out instanceof URL ? out.pathname : out} in ${meta.durationSeconds} s`);
