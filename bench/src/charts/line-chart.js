// Lines on log–log axes: cost against allowlist size. One colour per framework, ours solid with
// filled dots, the peer dashed with hollow ones. A value at or below zero cannot sit on a log axis:
// its point is left out (and the chart says how many were).
import {
  PALETTE,
  circle,
  line,
  logTicks,
  polyline,
  rect,
  shortNumber,
  svgDocument,
  text,
} from './svg.js';

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { top: 56, right: 190, bottom: 52, left: 64 };

/**
 * `xs`: the x values (> 0); `lines`: [{ group, kind: 'ours'|'peer', values: [number|null] }], one
 * value per x. Returns the SVG text.
 */
export function logLineChart({ title, subtitle, xLabel, yLabel, xs, lines }) {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const positive = lines.flatMap((l) => l.values.filter((v) => v !== null && v > 0));
  const hidden = lines.flatMap((l) => l.values.filter((v) => v !== null && v <= 0)).length;
  const yTicks = logTicks(Math.min(...positive, 10), Math.max(...positive, 100));
  const xTicks = logTicks(Math.min(...xs), Math.max(...xs));
  const [yLow, yHigh] = [Math.log10(yTicks[0]), Math.log10(yTicks.at(-1))];
  const [xLow, xHigh] = [Math.log10(xTicks[0]), Math.log10(xTicks.at(-1))];
  const x = (value) => MARGIN.left + ((Math.log10(value) - xLow) / (xHigh - xLow)) * plotWidth;
  const y = (value) =>
    MARGIN.top + plotHeight - ((Math.log10(value) - yLow) / (yHigh - yLow)) * plotHeight;

  const body = [
    text(MARGIN.left, 22, title, { 'font-size': 15, 'font-weight': 600 }),
    text(MARGIN.left, 40, subtitle + (hidden ? ` (${hidden} values ≤ 0 not drawn)` : ''), {
      'font-size': 12,
      fill: '#555',
    }),
  ];
  for (const tick of yTicks) {
    body.push(
      line(MARGIN.left, y(tick), MARGIN.left + plotWidth, y(tick), { stroke: '#e5e5e5' }),
      text(MARGIN.left - 6, y(tick) + 4, shortNumber(tick), {
        'text-anchor': 'end',
        'font-size': 11,
      }),
    );
  }
  for (const tick of xTicks) {
    body.push(
      line(x(tick), MARGIN.top, x(tick), MARGIN.top + plotHeight, { stroke: '#e5e5e5' }),
      text(x(tick), MARGIN.top + plotHeight + 16, shortNumber(tick), {
        'text-anchor': 'middle',
        'font-size': 11,
      }),
    );
  }
  body.push(
    rect(MARGIN.left, MARGIN.top, plotWidth, plotHeight, { fill: 'none', stroke: '#444' }),
    text(MARGIN.left + plotWidth / 2, HEIGHT - 12, xLabel, {
      'text-anchor': 'middle',
      'font-size': 11,
      fill: '#555',
    }),
    text(16, MARGIN.top + plotHeight / 2, yLabel, {
      transform: `rotate(-90 16 ${MARGIN.top + plotHeight / 2})`,
      'text-anchor': 'middle',
      'font-size': 11,
      fill: '#555',
    }),
  );

  const groups = [...new Set(lines.map((l) => l.group))];
  const colour = (group) => PALETTE[groups.indexOf(group) % PALETTE.length];
  for (const l of lines) {
    const style = {
      stroke: colour(l.group),
      'stroke-width': 2,
      'stroke-dasharray': l.kind === 'peer' ? '6 4' : null,
    };
    // A line breaks where a point cannot be drawn.
    let run = [];
    const flush = () => {
      if (run.length > 1) body.push(polyline(run, style));
      run = [];
    };
    l.values.forEach((value, i) => {
      if (value === null || value <= 0) return flush();
      const point = [x(xs[i]), y(value)];
      run.push(point);
      body.push(
        circle(point[0], point[1], 3.5, {
          fill: l.kind === 'peer' ? '#fff' : colour(l.group),
          stroke: colour(l.group),
          'stroke-width': 1.5,
        }),
      );
    });
    flush();
  }
  // Legend: frameworks by colour, then the two line styles.
  const legendX = MARGIN.left + plotWidth + 16;
  groups.forEach((group, i) => {
    const legendY = MARGIN.top + 8 + i * 18;
    body.push(
      rect(legendX, legendY - 9, 12, 12, { fill: colour(group) }),
      text(legendX + 18, legendY + 1, group, { 'font-size': 11 }),
    );
  });
  const styleY = MARGIN.top + 16 + groups.length * 18;
  body.push(
    line(legendX, styleY, legendX + 24, styleY, { stroke: '#333', 'stroke-width': 2 }),
    text(legendX + 30, styleY + 4, 'ours', { 'font-size': 11 }),
    line(legendX, styleY + 18, legendX + 24, styleY + 18, {
      stroke: '#333',
      'stroke-width': 2,
      'stroke-dasharray': '6 4',
    }),
    text(legendX + 30, styleY + 22, 'peer', { 'font-size': 11 }),
  );
  return svgDocument(WIDTH, HEIGHT, `${title}. ${subtitle}`, body);
}
