// The charts of a run, from its results (the JSON run.js stores): the headline (ours ÷ peer on S1
// per framework),
// one chart per framework (ours against its peer, scenario by scenario) and the allowlist chart
// (S5-3 … S5-100000 on log axes). All in-process: the precise figure.
import { preferredRows, ratio, rowTitle } from '../report/format.js';
import { barChart } from './bar-chart.js';
import { logLineChart } from './line-chart.js';
import { ratioChart } from './ratio-chart.js';

const BAR_SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5-3', 'S6'];
const Y_LABEL = 'ns of CPU added per request';

const point = (cell) =>
  cell?.added ? { median: cell.added.median, lo: cell.added.lo, hi: cell.added.hi } : null;

function headline(results) {
  const rows = preferredRows(results).filter(
    ({ row, framework }) => framework.peer !== null && row.results.S1,
  );
  if (rows.length === 0) return null;
  return {
    name: 'headline',
    title: 'Ours against the peer on every framework: an allowed cross-origin GET (S1)',
    svg: ratioChart({
      title: 'CORS cost of an allowed cross-origin request (S1): ours ÷ the peer',
      subtitle: 'In-process CPU added per request, ratio of medians with its 95% interval',
      target: 0.5,
      targetLabel: 'target ≤ 0.5',
      rows: rows.map(({ row, framework }) => {
        const r = ratio(row.results.S1.cells.ours, row.results.S1.cells.peer, 0.5);
        return {
          label: framework.title,
          sublabel: `${framework.ours} ÷ ${framework.peer}`,
          value: r.value,
          interval: r.interval,
          mark: r.mark,
        };
      }),
    }),
  };
}

function perRow(results) {
  return results.inprocess
    .filter((row) => row.results)
    .map((row) => {
      const framework = results.frameworks.find((f) => f.id === row.framework);
      const title = rowTitle(results, row);
      const ids = BAR_SCENARIOS.filter((id) => row.results[id]);
      const cells = ids.map((id) => row.results[id].cells);
      const series = [
        ...(framework.peer === null
          ? []
          : [{ name: framework.peer, key: 'peer', values: cells.map((c) => point(c.peer)) }]),
        { name: framework.ours, key: 'ours', values: cells.map((c) => point(c.ours)) },
        { name: 'same headers, static', key: 'static', values: cells.map((c) => point(c.static)) },
      ];
      return {
        name: `inprocess-${row.id}`,
        title: `${title}: ${framework.peer ?? 'static headers'} against ${framework.ours}, in-process`,
        svg: barChart({
          title: `${title}: CPU added per request, in-process`,
          subtitle:
            'Median ns [95% interval] over the baseline; S2 is a preflight, S3 a refused origin, S4 no Origin',
          yLabel: Y_LABEL,
          groups: ids.map((id) => ({
            label: id,
            note:
              framework.peer === null
                ? null
                : (ratio(row.results[id].cells.ours, row.results[id].cells.peer)
                    .value?.toFixed(2)
                    .concat('×') ?? 'n/a'),
          })),
          series,
        }),
      };
    });
}

function allowlist(results) {
  const ids = results.scenarios.filter((s) => s.origins).map((s) => s.id);
  if (ids.length < 2) return null;
  const xs = ids.map((id) => results.scenarios.find((s) => s.id === id).origins);
  const lines = [];
  for (const { row, framework } of preferredRows(results)) {
    for (const kind of framework.peer === null ? ['ours'] : ['peer', 'ours']) {
      lines.push({
        group: framework.title,
        kind,
        values: ids.map((id) => row.results[id]?.cells[kind]?.added?.median ?? null),
      });
    }
  }
  return {
    name: 'allowlist',
    title: 'Cost against allowlist size, ours and the peers, in-process',
    svg: logLineChart({
      title: 'CPU added per allowed request against allowlist size',
      subtitle: 'In-process, median ns; the allowed origin is the last of n',
      xLabel: 'origins in the allowlist (log scale)',
      yLabel: `${Y_LABEL} (log scale)`,
      xs,
      lines,
    }),
  };
}

/** [{ name, title, svg }] for `results`. */
export function buildCharts(results) {
  if (results.inprocess.length === 0) return [];
  return [headline(results), ...perRow(results), allowlist(results)].filter(Boolean);
}
