// Formatting shared by the report's sections: numbers, intervals, ratios with their verdict, tables.
import { ratioInterval, verdict } from '../stats.js';

export const ns = (value) => Math.round(value).toLocaleString('en-US');
export const us = (value) => (value / 1000).toFixed(1);
export const ms = (value, digits = 1) => value.toFixed(digits);

/** `median [lo, hi]` of a summary (./stats.js), each value shown with `show`. */
export function withInterval(summary, show = ns) {
  if (summary.lo === null || summary.lo === undefined) return `${show(summary.median)} [n < 6]`;
  return `${show(summary.median)} [${show(summary.lo)}, ${show(summary.hi)}]`;
}

/** A cell of a contender: its added cost with its interval, or why it has none. */
export function cell(result) {
  if (result === undefined) return '–';
  if (result.status === 'missing') return 'missing';
  if (result.status === 'failed') return `**check failed**: ${result.detail}`;
  if (!result.added) return 'not timed';
  return withInterval(result.added);
}

const showBound = (value) =>
  value === Infinity ? '∞' : value === -Infinity ? '−∞' : value.toFixed(2);

/**
 * The ratio of two cells' added costs (`a.added` over `b.added`, paired sample by sample): the
 * ratio of their medians with its 95% interval and, with `target` ("at most"), ✓ met, ✗ missed or
 * ? inconclusive. Returns { text, mark, value, interval } (value null when there is no ratio: the
 * denominator adds nothing, or a cell was not timed).
 */
export function ratio(a, b, target) {
  if (!a?.added || !b?.added || b.added.median <= 0)
    return { text: 'n/a', mark: null, value: null, interval: null };
  const value = a.added.median / b.added.median;
  const interval = ratioInterval(a.added.values, b.added.values);
  const mark = target === undefined ? null : verdict(interval, target);
  const range =
    interval && !Number.isNaN(interval.lo)
      ? ` [${showBound(interval.lo)}, ${showBound(interval.hi)}]`
      : '';
  return { text: `${value.toFixed(2)}×${range}${mark ? ` ${mark}` : ''}`, mark, value, interval };
}

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}

export function frameworkTitle(results, id) {
  return results.frameworks.find((f) => f.id === id)?.title ?? id;
}

/** The in-process rows of a framework (the middleware alone, the whole app). */
export function rowsOf(results, frameworkId) {
  return results.inprocess.filter((row) => row.framework === frameworkId && row.results);
}

/** "Koa 3, middleware alone" or "Koa 3, whole app". */
export function rowTitle(results, row) {
  const level = row.level === 'middleware' ? 'middleware alone' : 'whole app';
  return `${frameworkTitle(results, row.framework)}, ${level}`;
}

/**
 * One in-process row per framework, the one that says what an application pays: the whole app
 * where there is one, else the middleware alone. With its framework.
 */
export function preferredRows(results) {
  return results.frameworks
    .map((framework) => {
      const rows = rowsOf(results, framework.id);
      // The middleware alone where there is one: it resolves ours against the peer to a few ns,
      // where a whole app's interval is microseconds wide (see bench/README.md).
      return { framework, row: rows.find((r) => r.level === 'middleware') ?? rows[0] };
    })
    .filter(({ row }) => row !== undefined);
}

/** The scenarios the ratio targets apply to: S1–S6 (S7 has its own). */
export const targetScenarios = (scenarios) => scenarios.filter((s) => !s.hostile).map((s) => s.id);

/** ✓/✗/? counts of a list of marks, as "3 ✓, 1 ✗, 2 ?". */
export function tally(marks) {
  const count = (mark) => marks.filter((m) => m === mark).length;
  return ['✓', '✗', '?']
    .filter((mark) => count(mark) > 0)
    .map((mark) => `${count(mark)} ${mark}`)
    .join(', ');
}
