// Renders a stored run again, without re-running it: `npm run bench:charts` (the SVG charts),
// `npm run bench:report` (the report and its charts, and the README headline for bench/RESULTS.md),
// `npm run bench:headline` (the README headline only).
//
// Usage: node src/render.js <charts|report|headline> [results.json]
//   Without a file: the latest full run in bench/results/, else the latest run. BENCH_OUT as in
//   run.js: the report's path; the charts go to charts/ beside it.
import path from 'node:path';
import { updateReadme } from './headline.js';
import { DEFAULT_REPORT, writeCharts, writeOutputs } from './outputs.js';
import { loadResults } from './results-file.js';

const [what, file] = process.argv.slice(2);
if (!['charts', 'report', 'headline'].includes(what)) {
  console.error('usage: node src/render.js <charts|report|headline> [results.json]');
  process.exit(1);
}
const { file: source, results } = await loadResults(file);
console.log(`from ${source} (${results.meta.mode} run of ${results.meta.date})`);
const out = path.resolve(process.env.BENCH_OUT ?? DEFAULT_REPORT);
let written;
if (what === 'charts')
  written = (await writeCharts(results, path.join(path.dirname(out), 'charts'))).map((c) => c.file);
if (what === 'report') written = await writeOutputs(results, out);
if (what === 'headline') {
  await updateReadme(results);
  written = ['README.md (headline)'];
}
for (const name of written) console.log(`wrote ${name}`);
