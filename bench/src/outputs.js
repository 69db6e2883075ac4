// What a run leaves behind: the report (bench/RESULTS.md or BENCH_OUT), its charts in charts/
// beside it, and, for the committed report only, the root README's headline.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCharts } from './charts/index.js';
import { updateReadme } from './headline.js';
import { renderReport } from './report/index.js';

export const DEFAULT_REPORT = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** Writes the charts of `results` to `dir`; resolves with [{ file, title }] (file: absolute). */
export async function writeCharts(results, dir) {
  await mkdir(dir, { recursive: true });
  const written = [];
  for (const chart of buildCharts(results)) {
    const file = path.join(dir, `${chart.name}.svg`);
    await writeFile(file, chart.svg);
    written.push({ file, title: chart.title });
  }
  return written;
}

/**
 * Writes the report to `out` and its charts to charts/ beside it; the README headline too when
 * `out` is the committed bench/RESULTS.md. Resolves with the files written.
 */
export async function writeOutputs(results, out = DEFAULT_REPORT) {
  const report = path.resolve(out);
  const charts = await writeCharts(results, path.join(path.dirname(report), 'charts'));
  const links = charts.map(({ file, title }) => ({
    file: path.relative(path.dirname(report), file),
    title,
  }));
  await writeFile(report, renderReport(results, links));
  const files = [report, ...charts.map((c) => c.file)];
  if (report === DEFAULT_REPORT) {
    await updateReadme(results);
    files.push('README.md (headline)');
  }
  return files;
}
