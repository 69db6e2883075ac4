// The few SVG pieces the charts are drawn with, and the scales and ticks they share.

const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';

const escape = (text) =>
  String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const round = (value) => Math.round(value * 10) / 10;

function attributes(attrs) {
  return Object.entries(attrs)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(
      ([name, value]) => ` ${name}="${escape(typeof value === 'number' ? round(value) : value)}"`,
    )
    .join('');
}

export const rect = (x, y, width, height, attrs = {}) =>
  `<rect${attributes({ x, y, width, height, ...attrs })}/>`;

export const line = (x1, y1, x2, y2, attrs = {}) =>
  `<line${attributes({ x1, y1, x2, y2, stroke: '#000', ...attrs })}/>`;

export const circle = (cx, cy, r, attrs = {}) => `<circle${attributes({ cx, cy, r, ...attrs })}/>`;

/** A polyline through `points` ([x, y] pairs). */
export const polyline = (points, attrs = {}) =>
  `<polyline${attributes({
    points: points.map(([x, y]) => `${round(x)},${round(y)}`).join(' '),
    fill: 'none',
    ...attrs,
  })}/>`;

export const text = (x, y, content, attrs = {}) =>
  `<text${attributes({ x, y, 'font-size': 12, fill: '#222', ...attrs })}>${escape(content)}</text>`;

/** A whole SVG document, on a white background (readable in dark mode too), titled for readers. */
export function svgDocument(width, height, title, body) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img" aria-label="${escape(title)}">`,
    `<title>${escape(title)}</title>`,
    rect(0, 0, width, height, { fill: '#fff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** About `count` round ticks (1, 2 or 5 × 10^n apart) covering [min, max]. */
export function linearTicks(min, max, count = 5) {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let tick = Math.floor(min / step) * step; tick <= max + step / 2; tick += step)
    ticks.push(Math.abs(tick) < step / 1e6 ? 0 : tick);
  return ticks;
}

/** The powers of ten covering [min, max] (both > 0). */
export function logTicks(min, max) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++)
    ticks.push(10 ** e);
  return ticks;
}

/** 1,234 → "1.2k", 1,500,000 → "1.5M". */
export function shortNumber(value) {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toFixed(abs < 10 && abs !== 0 ? 1 : 0)}`;
}

export const COLORS = {
  peer: '#9aa0a6',
  ours: '#1f6feb',
  static: '#8fd19e',
};

/** One colour per framework in the line chart. */
export const PALETTE = [
  '#1f6feb',
  '#d1242f',
  '#1a7f37',
  '#8250df',
  '#bc4c00',
  '#0a7f8c',
  '#bf3989',
  '#6e7781',
];
