// The root README's headline: the headline chart and one line of figures, read from a run's
// results, between the markers `<!-- bench:headline -->` and `<!-- /bench -->`.
import { readFile, writeFile } from 'node:fs/promises';
import { preferredRows, ratio, targetScenarios } from './report/format.js';
import { sizeVerdict, startupComparison } from './report/startup.js';

export const README = new URL('../../README.md', import.meta.url);
const START = '<!-- bench:headline -->';
const END = '<!-- /bench -->';

const list = (items) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** The sentence on ours against the peers, in-process, from S1 and every S1–S6 verdict. */
function peerSentence(results) {
  const ids = targetScenarios(results.scenarios);
  const s1 = [];
  const unmeasured = [];
  const marks = [];
  for (const { row, framework } of preferredRows(results)) {
    if (framework.peer === null) continue;
    const r = ratio(row.results.S1?.cells.ours, row.results.S1?.cells.peer);
    // Only a ratio known within a factor of two either way is quoted: a whole app's S1 can be
    // lost in its noise (see bench/README.md), and a span from such a cell would say nothing.
    const bounded = r.interval && r.interval.lo >= r.value / 2 && r.interval.hi <= 2 * r.value;
    if (r.value !== null && bounded) s1.push({ title: framework.title, value: r.value });
    else unmeasured.push(framework.title);
    for (const id of ids) {
      const mark = ratio(row.results[id]?.cells.ours, row.results[id]?.cells.peer, 0.5).mark;
      if (mark) marks.push(mark);
    }
  }
  if (s1.length === 0) return null;
  const values = s1.map((s) => s.value);
  const span = `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
  const met = marks.filter((m) => m === '✓').length;
  return (
    `an allowed cross-origin request costs ${span} of what the peer's CORS adds ` +
    `(${list(s1.map((s) => s.title))}, in-process); ${met} of ${marks.length} S1–S6 cells meet ` +
    `"at most half" by their 95% intervals` +
    (unmeasured.length ? ` (${list(unmeasured)}: S1 not resolved in this run)` : '')
  );
}

function startupSentence(results) {
  if (!results.startup) return null;
  const { fastest, ratio: r } = startupComparison(results.startup);
  const size = results.startup.size.ours;
  if (fastest === null || size.error) return null;
  const budget = sizeVerdict(size) === '✓' ? 'within' : 'over';
  return (
    `start-up is ${r.value.toFixed(2)}× ${fastest}'s (target 1.5×) and the core ` +
    `${(size.gzipped / 1000).toFixed(1)} kB minified and gzipped (${budget} its 40 kB budget)`
  );
}

/** The Markdown between the markers. */
export function headlineBlock(results, chartPath = 'bench/charts/headline.svg') {
  const sentences = [peerSentence(results), startupSentence(results)].filter(Boolean);
  const { meta } = results;
  const run =
    `${meta.mode === 'full' ? 'Full' : 'Quick'} run of ${meta.date.slice(0, 10)} at ` +
    `${meta.commit.split(' ')[0]}${meta.mode === 'full' ? '' : ', indicative only'}.`;
  const summary = sentences.length
    ? `${sentences.join('; ')}. ${run}`
    : `No in-process or start-up figures in this run. ${run}`;
  return [
    `![CPU that CORS adds to an allowed cross-origin request, ours against the peer on each framework](${chartPath})`,
    '',
    `${summary[0].toUpperCase()}${summary.slice(1)} How it is measured: [bench/README.md](bench/README.md); every figure: [bench/RESULTS.md](bench/RESULTS.md).`,
  ].join('\n');
}

/** Replaces the block between the markers in the root README.md. */
export async function updateReadme(results) {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${START} … ${END} block`);
  const updated = `${text.slice(0, start + START.length)}\n\n${headlineBlock(results)}\n\n${text.slice(end)}`;
  await writeFile(README, updated);
}
