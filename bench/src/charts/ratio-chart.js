// Horizontal bars of a ratio (ours ÷ peer) per row, with its 95% interval as a whisker and the
// target as a dashed line: rows of very different absolute costs on one axis.
import { COLORS, line, linearTicks, rect, svgDocument, text } from './svg.js';

const WIDTH = 760;
const ROW = 36;
const MARGIN = { top: 70, right: 96, bottom: 44, left: 230 };

/**
 * `rows`: [{ label, sublabel, value, interval: { lo, hi } | null, mark }] (value null: no ratio);
 * `target`: where the dashed line goes. Returns the SVG text.
 */
export function ratioChart({ title, subtitle, rows, target, targetLabel }) {
  const height = MARGIN.top + rows.length * ROW + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const finite = rows.flatMap((r) =>
    [r.value, r.interval?.lo, r.interval?.hi].filter((v) => Number.isFinite(v)),
  );
  const xMin = Math.max(-1, Math.min(0, ...finite));
  const xMax = Math.min(2, Math.max(1, target * 2, ...finite));
  const ticks = linearTicks(xMin, xMax, 6).filter((t) => t >= xMin && t <= xMax);
  const x = (value) =>
    MARGIN.left + ((Math.max(xMin, Math.min(xMax, value)) - xMin) / (xMax - xMin)) * plotWidth;

  const body = [
    text(16, 22, title, { 'font-size': 15, 'font-weight': 600 }),
    text(16, 40, subtitle, { 'font-size': 12, fill: '#555' }),
  ];
  const bottom = MARGIN.top + rows.length * ROW;
  for (const tick of ticks) {
    body.push(
      line(x(tick), MARGIN.top - 6, x(tick), bottom, { stroke: tick === 0 ? '#444' : '#e5e5e5' }),
      text(x(tick), bottom + 16, `${+tick.toFixed(2)}×`, {
        'text-anchor': 'middle',
        'font-size': 11,
      }),
    );
  }
  body.push(
    line(x(target), MARGIN.top - 14, x(target), bottom, {
      stroke: '#d1242f',
      'stroke-dasharray': '5 4',
      'stroke-width': 1.5,
    }),
    text(x(target) + 4, MARGIN.top - 16, targetLabel, { 'font-size': 11, fill: '#d1242f' }),
    text(MARGIN.left + plotWidth / 2, height - 8, 'ours ÷ peer (lower is better)', {
      'text-anchor': 'middle',
      'font-size': 11,
      fill: '#555',
    }),
  );
  rows.forEach((row, i) => {
    const top = MARGIN.top + i * ROW;
    const middle = top + ROW / 2;
    body.push(
      text(MARGIN.left - 10, middle - 2, row.label, { 'text-anchor': 'end' }),
      text(MARGIN.left - 10, middle + 11, row.sublabel, {
        'text-anchor': 'end',
        'font-size': 10,
        fill: '#666',
      }),
    );
    if (row.value === null) {
      body.push(text(x(0) + 6, middle + 4, 'n/a', { fill: '#999' }));
      return;
    }
    const start = x(Math.min(0, row.value));
    body.push(
      rect(start, top + 8, Math.max(Math.abs(x(row.value) - x(0)), 1), ROW - 16, {
        fill: COLORS.ours,
      }),
    );
    if (row.interval && !Number.isNaN(row.interval.lo)) {
      const whisker = { stroke: '#333', 'stroke-width': 1 };
      const [lo, hi] = [x(row.interval.lo), x(row.interval.hi)];
      body.push(line(lo, middle, hi, middle, whisker));
      if (Number.isFinite(row.interval.lo))
        body.push(line(lo, middle - 4, lo, middle + 4, whisker));
      if (Number.isFinite(row.interval.hi))
        body.push(line(hi, middle - 4, hi, middle + 4, whisker));
    }
    body.push(
      text(WIDTH - MARGIN.right + 10, middle + 4, `${row.value.toFixed(2)}× ${row.mark ?? ''}`, {
        'font-weight': 600,
      }),
    );
  });
  return svgDocument(WIDTH, height, `${title}. ${subtitle}`, body);
}
