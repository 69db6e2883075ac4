// Figure (a), in-process: every in-process row of every framework (see ./contenders/*.js: the
// middleware alone on minimal objects, and the whole app on real request/response objects) on
// every scenario; and, for the middleware rows, S7 at three sizes of the hostile header to see how
// its cost grows.
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

export async function inProcessFigure(frameworks, scenarios, settings, log) {
  const rows = [];
  for (const row of inProcessRows(frameworks)) {
    const results = {};
    for (const scenario of scenarios) {
      log(`in-process  ${row.id} ${scenario.id}`);
      results[scenario.id] = await measureInProcess(row, scenario, settings.inprocess);
    }
    const growth = {};
    if (row.level === 'middleware' && scenarios.some((s) => s.hostile)) {
      for (const size of HOSTILE_SIZES) {
        log(`in-process  ${row.id} S7 at ${size} bytes`);
        growth[size] = await measureInProcess(row, hostileScenario(size), settings.inprocess);
      }
    }
    rows.push({
      id: row.id,
      framework: row.framework.id,
      level: row.level,
      shape: row.shape,
      results,
      ...(Object.keys(growth).length > 0 ? { growth } : {}),
    });
  }
  return rows;
}
