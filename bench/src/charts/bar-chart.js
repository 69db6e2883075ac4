// Grouped bars with their 95% intervals as whiskers: one group per label (a scenario or a
// framework), one bar per series (peer, ours, static). Values may be negative (a preflight answered
// before the route costs less than the route). A whisker beyond the axis stops at its edge.
import { COLORS, line, linearTicks, rect, shortNumber, svgDocument, text } from './svg.js';

const WIDTH = 760;
const HEIGHT = 380;
const MARGIN = { top: 64, right: 16, bottom: 64, left: 64 };

/**
 * `groups`: [{ label, sublabel?, note? }]; `series`: [{ name, color?, values: [{ median, lo, hi }
 * | null] }] (one value per group, null when not measured). Returns the SVG text.
 */
export function barChart({ title, subtitle, yLabel, groups, series }) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  // The axis fits the medians (and a quarter more): a wide interval is cut at the edge rather
  // than squeezing every bar to nothing.
  const medians = series.flatMap((s) => s.values.filter(Boolean).map((v) => v.median));
  const span = Math.max(...medians, 0) - Math.min(...medians, 0) || 1;
  const low = Math.min(0, ...medians) - (Math.min(...medians, 0) < 0 ? span / 4 : 0);
  const high = Math.max(0, ...medians) + span / 4;
  const ticks = linearTicks(low, high);
  const yMin = Math.min(ticks[0], 0);
  const yMax = Math.max(ticks.at(-1), high, 1);
  const y = (value) => MARGIN.top + plotHeight - ((value - yMin) / (yMax - yMin)) * plotHeight;
  const clampY = (value) => y(Math.max(yMin, Math.min(yMax, value)));

  const body = [
    text(MARGIN.left, 22, title, { 'font-size': 15, 'font-weight': 600 }),
    text(MARGIN.left, 40, subtitle, { 'font-size': 12, fill: '#555' }),
  ];
  // Legend, top right.
  let legendX = WIDTH - MARGIN.right;
  for (const s of [...series].reverse()) {
    legendX -= 8 + s.name.length * 6.6;
    body.push(
      rect(legendX - 14, 48, 10, 10, { fill: s.color ?? COLORS[s.key] }),
      text(legendX, 57, s.name, { 'font-size': 11 }),
    );
    legendX -= 24;
  }
  // Axis and grid.
  for (const tick of ticks.filter((t) => t >= yMin && t <= yMax)) {
    body.push(
      line(MARGIN.left, y(tick), WIDTH - MARGIN.right, y(tick), {
        stroke: tick === 0 ? '#444' : '#e5e5e5',
      }),
      text(MARGIN.left - 6, y(tick) + 4, shortNumber(tick), {
        'text-anchor': 'end',
        'font-size': 11,
      }),
    );
  }
  body.push(
    text(16, MARGIN.top + plotHeight / 2, yLabel, {
      transform: `rotate(-90 16 ${MARGIN.top + plotHeight / 2})`,
      'text-anchor': 'middle',
      'font-size': 11,
      fill: '#555',
    }),
  );
  // Bars.
  const groupWidth = plotWidth / groups.length;
  const barWidth = (groupWidth * 0.75) / series.length;
  groups.forEach((group, g) => {
    const groupX = MARGIN.left + g * groupWidth + groupWidth * 0.125;
    const centre = MARGIN.left + (g + 0.5) * groupWidth;
    series.forEach((s, i) => {
      const value = s.values[g];
      const x = groupX + i * barWidth;
      if (!value) {
        body.push(text(x + barWidth / 2, y(0) - 4, '–', { 'text-anchor': 'middle', fill: '#999' }));
        return;
      }
      const top = clampY(Math.max(value.median, 0));
      const bottom = clampY(Math.min(value.median, 0));
      body.push(
        rect(x + 1, top, Math.max(barWidth - 2, 1), Math.max(bottom - top, 0.5), {
          fill: s.color ?? COLORS[s.key],
        }),
      );
      if (value.lo !== null && value.lo !== undefined) {
        const mid = x + barWidth / 2;
        const whisker = { stroke: '#333', 'stroke-width': 1 };
        body.push(
          line(mid, clampY(value.lo), mid, clampY(value.hi), whisker),
          line(mid - 3, clampY(value.lo), mid + 3, clampY(value.lo), whisker),
          line(mid - 3, clampY(value.hi), mid + 3, clampY(value.hi), whisker),
        );
      }
    });
    body.push(text(centre, HEIGHT - MARGIN.bottom + 18, group.label, { 'text-anchor': 'middle' }));
    if (group.sublabel)
      body.push(
        text(centre, HEIGHT - MARGIN.bottom + 33, group.sublabel, {
          'text-anchor': 'middle',
          'font-size': 10,
          fill: '#666',
        }),
      );
    if (group.note)
      body.push(
        text(centre, HEIGHT - MARGIN.bottom + 48, group.note, {
          'text-anchor': 'middle',
          'font-size': 11,
          'font-weight': 600,
          fill: '#1f6feb',
        }),
      );
  });
  return svgDocument(WIDTH, HEIGHT, `${title}. ${subtitle}`, body);
}
