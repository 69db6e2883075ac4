// Figure (a), in-process: every in-process row of every framework (see ./contenders/*.js: the
// middleware alone on minimal objects, and the whole app on real request/response objects) on
// every scenario; and, for the middleware rows, S7 at three sizes of the hostile header to see how
// its cost grows.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { measureInProcess } from './inprocess.js';
import { HOSTILE_SIZES, hostileScenario } from './scenarios.js';

/** The in-process rows of `frameworks`: { id, framework, level, shape, create }. */
export function inProcessRows(frameworks) {
  return frameworks.flatMap((framework) =>
    (framework.inprocess ?? []).map((spec) => ({
      id: `${framework.id}-${spec.level}`,
      framework,
      ...spec,
    })),
  );
}

/** Every scenario of one row, in this process. */
export async function measureRow(row, scenarios, settings, log) {
  const results = {};
  // A whole app's call is microseconds with its own garbage: longer samples, more of them.
  const sampling = row.level === 'app' ? settings.inprocessApp : settings.inprocess;
  for (const scenario of scenarios) {
    log(`in-process  ${row.id} ${scenario.id}`);
    results[scenario.id] = await measureInProcess(row, scenario, sampling);
  }
  const growth = {};
  if (row.level === 'middleware' && scenarios.some((s) => s.hostile)) {
    for (const size of HOSTILE_SIZES) {
      log(`in-process  ${row.id} S7 at ${size} bytes`);
      growth[size] = await measureInProcess(row, hostileScenario(size), settings.inprocess);
    }
  }
  return {
    id: row.id,
    framework: row.framework.id,
    level: row.level,
    shape: row.shape,
    results,
    ...(Object.keys(growth).length > 0 ? { growth } : {}),
  };
}

/**
 * Each row and scenario in a fresh process (./inprocess-child.js): a row measured after others
 * would run on a heap and on shared code (the core's, the frameworks') that other rows' apps and
 * policies have shaped, and its figures would depend on the order of the rows; and a whole app
 * that keeps garbage between calls (Express in this harness, see bench/README.md) cannot run
 * every scenario in one heap.
 */
export async function inProcessFigure(frameworks, scenarios) {
  const rows = [];
  for (const row of inProcessRows(frameworks)) {
    const parts = [];
    for (const scenario of scenarios) parts.push(await inChild(row.id, scenario.id));
    const [first] = parts;
    const growth = Object.assign({}, ...parts.map((part) => part.growth ?? {}));
    rows.push({
      ...first,
      results: Object.assign({}, ...parts.map((part) => part.results)),
      ...(Object.keys(growth).length > 0 ? { growth } : {}),
    });
  }
  return rows;
}

/** One row's figures for one scenario, from a child process. */
async function inChild(rowId, scenarioId) {
  const child = fork(new URL('./inprocess-child.js', import.meta.url), [rowId], {
    env: { ...process.env, BENCH_SCENARIOS: scenarioId },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let measured;
  child.on('message', (message) => (measured = message));
  const [code] = await once(child, 'exit');
  if (measured === undefined) throw new Error(`in-process ${rowId} ${scenarioId}: exit ${code}`);
  return measured;
}
