// Figure (a): each contender called directly in a loop (see ./shapes.js for how each shape is
// called), in ns of process CPU time per call, paired against its baseline: a no-op middleware of
// the same shape, or the same app without CORS. Samples alternate (baseline, peer, ours, static,
// core, baseline, …) so that drift hits every contender alike; sample i of a contender is paired
// with sample i of the baseline.
import { createCorsPolicy } from '@cors/core';
import { oursOptions } from './contenders/options.js';
import { POLICIES, checkBare, describeHostileAnswer } from './scenarios.js';
import { LOOP_SCOPE, SHAPES, corsFields } from './shapes.js';
import { median, pairedDifference } from './stats.js';

/**
 * A loop of `n` calls of one contender. Each contender gets its own copy of the loop (compiled
 * from source), so that V8's inline caches in it see one middleware, as in a real application,
 * rather than all contenders at once.
 */
function compileLoop(shapeName, mw, req) {
  const shape = SHAPES[shapeName];
  const source = `return async function loop(n) {
    let request;
    for (let i = 0; i < n; i++) {
      const result = ${shape.call};
      if (result !== undefined && typeof result.then === 'function') await result;
    }
    return request;
  };`;
  const names = Object.keys(LOOP_SCOPE);
  const factory = new Function('mw', 'req', 'next', ...names, source);
  return factory(mw, req, shape.next, ...names.map((name) => LOOP_SCOPE[name]));
}

/** The core's decide() alone, with the request read as the node adapter reads it. */
function coreOnly(policy) {
  const compiled = createCorsPolicy(oursOptions(policy));
  return (req, _res, next) => {
    const headers = req.headers;
    const decision = compiled.decide({
      method: req.method,
      origin: headers.origin,
      requestMethod: headers['access-control-request-method'],
      requestHeaders: headers['access-control-request-headers'],
      requestPrivateNetwork: headers['access-control-request-private-network'],
    });
    if (decision.end) return;
    next();
  };
}

// ---- Timing

function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function sampleNs(loop, n) {
  const start = cpuMicros();
  await loop(n);
  return ((cpuMicros() - start) * 1000) / n;
}

/**
 * Iterations so that one sample of `loop` takes about `sampleMs` of CPU. Each contender gets its
 * own count: a fast contender timed over a few calls (sized for a slow peer) would measure the
 * clock and the caches the peer just trashed, not itself.
 */
async function calibrate(loop, sampleMs) {
  let n = 16;
  for (;;) {
    const start = cpuMicros();
    await loop(n);
    const micros = cpuMicros() - start;
    if (micros >= 2000 || n >= 1 << 24)
      return Math.max(1, Math.round((n * sampleMs * 1000) / Math.max(micros, 1)));
    n *= 4;
  }
}

// ---- Contenders

const failure = (error) => ({
  status: error.name === 'MissingAdapter' ? 'missing' : 'failed',
  detail: error.message,
});

/** Creates a contender with `create()` and checks its answer once; { mw, cell, observed }. */
async function checked(shape, create, kind, scenario, req) {
  let mw;
  try {
    mw = await create();
    const observed = await shape.once(mw, req);
    const problem = kind === 'baseline' ? checkBare(observed) : scenario.check(observed, kind);
    if (problem) {
      await mw.close?.();
      return { cell: { status: 'failed', detail: problem }, observed };
    }
    return { mw, cell: { status: 'ok' }, observed };
  } catch (error) {
    await mw?.close?.();
    return { cell: failure(error) };
  }
}

/**
 * Builds the contenders of one in-process row (`{ shape, create, framework }`, see
 * ./figure-inprocess.js) for one scenario and checks each once. Returns
 * `{ contenders: [{ kind, mw }], cells: { kind: { status: 'ok'|'failed'|'missing', detail } } }`;
 * the first contender is the baseline.
 */
async function prepare(row, scenario, req) {
  const shapeName = row.shape;
  const shape = SHAPES[shapeName];
  const policy = POLICIES[scenario.policy];
  const cells = {};
  const observed = {};
  const contenders = [];
  const create = row.create;
  const add = (kind, result) => {
    cells[kind] = result.cell;
    if (result.observed) observed[kind] = result.observed;
    if (result.mw) contenders.push({ kind, mw: result.mw });
  };

  if (shape.noop) contenders.push({ kind: 'baseline', mw: shape.noop });
  else
    add('baseline', await checked(shape, () => create('bare', policy), 'baseline', scenario, req));
  if (contenders.length === 0) return { contenders, cells, observed }; // nothing to pair with
  for (const kind of row.framework.peer === null ? ['ours'] : ['peer', 'ours'])
    add(kind, await checked(shape, () => create(kind, policy), kind, scenario, req));

  // "Setting the same headers statically": replays ours's answer (the peer's if ours is absent).
  const model = cells.ours?.status === 'ok' ? observed.ours : observed.peer;
  if (model !== undefined && !scenario.hostile) {
    const answer = { end: !model.routeRan, status: model.status };
    // A middleware shape replays every header ours set; a whole app only the CORS ones.
    const makeStatic = shape.static
      ? () => shape.static({ ...answer, fields: Object.entries(model.headers) })
      : () => create('static', policy, { ...answer, fields: corsFields(model.headers) });
    add('static', await checked(shape, makeStatic, 'static', scenario, req));
  }
  if (shapeName === 'node') contenders.push({ kind: 'core', mw: coreOnly(policy) });
  return { contenders, cells, observed };
}

/**
 * Times one in-process row's contenders on one scenario. Returns `baseline` (median ns per call of the
 * baseline) and per kind: the cell status, and for timed cells `perCall` (median ns) and `added`
 * (the summary of the per-sample differences over the baseline, see ./stats.js).
 */
export async function measureInProcess(row, scenario, { samples, sampleMs, warmUpMs }) {
  const shapeName = row.shape;
  const req = SHAPES[shapeName].request(scenario.request);
  const { contenders, cells, observed } = await prepare(row, scenario, req);
  const result = { baselineKind: SHAPES[shapeName].baseline, cells };
  if (scenario.hostile) {
    for (const [kind, res] of Object.entries(observed))
      if (kind !== 'baseline') cells[kind].observed = describeHostileAnswer(res);
  }
  if (contenders[0]?.kind !== 'baseline') return result;
  try {
    const loops = contenders.map(({ mw }) => compileLoop(shapeName, mw, req));
    const iterations = [];
    for (const loop of loops) iterations.push(await calibrate(loop, sampleMs));
    // Warm up for a while: V8 optimises on a background thread, which a busy machine delays.
    for (let i = 0; i < loops.length; i++) {
      const end = cpuMicros() + warmUpMs * 1000;
      while (cpuMicros() < end) await loops[i](iterations[i]);
    }
    const ns = contenders.map(() => []);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < loops.length; i++) ns[i].push(await sampleNs(loops[i], iterations[i]));
    }
    result.baseline = median(ns[0]);
    contenders.forEach(({ kind }, i) => {
      if (i === 0) return;
      cells[kind] = {
        ...(cells[kind] ?? { status: 'ok' }),
        perCall: median(ns[i]),
        added: pairedDifference(ns[i], ns[0]),
      };
    });
  } finally {
    await Promise.all(contenders.map(({ mw }) => mw.close?.()));
  }
  return result;
}

/** The loop of one contender (for profile.js); throws if it is missing or fails its check. */
export async function profileLoop(row, scenario, kind) {
  const shapeName = row.shape;
  const req = SHAPES[shapeName].request(scenario.request);
  const { contenders, cells } = await prepare(row, scenario, req);
  const contender = contenders.find((c) => c.kind === kind);
  if (!contender) throw new Error(`${kind}: ${cells[kind]?.detail ?? 'not available'}`);
  return compileLoop(shapeName, contender.mw, req);
}
