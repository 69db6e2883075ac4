// Figure (b), over HTTP: for each framework and policy, bare, peer and ours each in a server child
// (./server.js), checked with one real request, then loaded in rounds with autocannon (./http.js).
// A cell keeps every round's CPU per request, so that ./stats.js can pair them.
import { measureOnce, requestOnce, startServer, stopServer, warmUp } from './http.js';
import { checkBare, describeHostileAnswer } from './scenarios.js';
import { median, pairedDifference } from './stats.js';

const KINDS = ['bare', 'peer', 'ours'];

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

async function measureScenario(servers, scenario, settings) {
  const load = scenario.hostile ? settings.hostileLoad : settings.load;
  const warm = scenario.hostile ? { ...settings.hostileLoad, amount: 10 } : settings.warmUp;
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
  const rounds = scenario.hostile ? settings.hostileRounds : settings.rounds;
  for (let round = 0; round < rounds; round++) {
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
    cells[kind].rounds = ns[kind];
    if (kind !== 'bare') cells[kind].added = pairedDifference(ns[kind], ns.bare);
  }
  return cells;
}

export async function httpFigure(frameworks, scenarios, settings, log) {
  const rows = [];
  const policies = [...new Set(scenarios.map((s) => s.policy))];
  // Hono and fetch handlers have no server here: figure (a) only.
  for (const framework of frameworks.filter((f) => f.listen)) {
    const results = {};
    for (const policyId of policies) {
      const group = scenarios.filter((s) => s.policy === policyId);
      const largeHeaders = group.some((s) => s.hostile);
      log(`http        ${framework.id} starting servers for policy ${policyId}`);
      const servers = await startServers(framework, policyId, largeHeaders);
      try {
        for (const scenario of group) {
          log(`http        ${framework.id} ${scenario.id}`);
          results[scenario.id] = await measureScenario(servers, scenario, settings);
        }
      } finally {
        await Promise.all(Object.values(servers).map((s) => (s.child ? stopServer(s) : null)));
      }
    }
    rows.push({ framework: framework.id, results });
  }
  return rows;
}
