// bench/RESULTS.md from a run's results (the JSON that run.js stores): the machine and versions,
// the charts, the targets with their intervals, then every figure in full.
import { frameworkTitle, rowTitle, table } from './format.js';
import { httpSection, inProcessSection } from './figures.js';
import { startupSection } from './startup.js';
import { targetsSection } from './targets.js';

/** A busy machine (load above half its cores at the start or the end) is said so up front. */
function machineNote(meta) {
  const load = `load average ${meta.loadAverageStart} at the start, ${meta.loadAverageEnd} at the end`;
  const busy = [meta.loadAverageStart, meta.loadAverageEnd].some(
    (averages) => Number(averages.split(' ')[0]) > meta.cores / 2,
  );
  if (!busy) return [`> Quiet machine (${load}). How to read this: bench/README.md.`];
  return [
    `> **Measured on a shared, busy machine** (${load}): other work ran at the same time.`,
    '> Absolute times drift on such a machine: read the ratios and the paired differences, and re-run',
    '> `npm run bench` on a quiet machine before quoting numbers. How to read this: bench/README.md.',
  ];
}

function header({ meta }) {
  const s = meta.settings;
  const mode =
    `${meta.mode}: in-process, each row in a fresh process, ${s.inprocess.samples} samples of about ${s.inprocess.sampleMs} ms per contender` +
    (s.inprocessApp
      ? ` (whole apps: ${s.inprocessApp.samples} of about ${s.inprocessApp.sampleMs} ms)`
      : '') +
    '; ' +
    `HTTP ${s.rounds} rounds of ${s.load.duration} s per contender (${s.load.connections} connections), ` +
    `S7 ${s.hostileRounds ?? s.rounds} rounds of ${s.hostileLoad.amount} requests; ` +
    `start-up ${s.startup.processes} processes per library`;
  return [
    '# CORS middleware benchmarks',
    '',
    ...machineNote(meta),
    '',
    table(
      ['', ''],
      [
        ['Date', meta.date],
        ['Machine', meta.machine],
        ['Node', meta.node],
        ['Mode', mode],
        ['Duration', `${meta.durationSeconds} s`],
        ['Commit', meta.commit],
        ['Ours', meta.ours.join('<br>')],
        ...(meta.oursAtEnd && meta.oursAtEnd.join() !== meta.ours.join()
          ? [['Ours, rebuilt during the run', meta.oursAtEnd.join('<br>')]]
          : []),
        ['Peers', meta.peers.join('<br>')],
        ['Frameworks', meta.frameworks.join('<br>')],
      ],
    ),
  ].join('\n');
}

function chartsSection(charts) {
  return [
    '## Charts',
    '',
    "Generated from this run's JSON by `npm run bench:charts` (bench/src/charts/).",
    '',
    ...charts.map((chart) => `![${chart.title}](${chart.file})\n`),
  ].join('\n');
}

function notMeasured(results) {
  const lines = [];
  const note = (where, kind, c) => {
    if (c?.status === 'missing') lines.push(`- ${where}, ${kind}: missing (${c.detail})`);
    if (c?.status === 'failed') lines.push(`- ${where}, ${kind}: check failed (${c.detail})`);
  };
  for (const row of results.inprocess.filter((r) => r.results)) {
    for (const [id, r] of Object.entries(row.results)) {
      for (const [kind, c] of Object.entries(r.cells))
        note(`in-process ${rowTitle(results, row)} ${id}`, kind, c);
    }
  }
  for (const row of results.inprocess.filter((r) => r.growth)) {
    for (const [size, r] of Object.entries(row.growth)) {
      for (const [kind, c] of Object.entries(r.cells))
        note(`in-process ${rowTitle(results, row)} S7 at ${size} bytes`, kind, c);
    }
  }
  for (const row of results.http) {
    for (const [id, r] of Object.entries(row.results)) {
      for (const [kind, c] of Object.entries(r))
        note(`HTTP ${frameworkTitle(results, row.framework)} ${id}`, kind, c);
    }
  }
  const startup = results.startup;
  for (const [name, steps] of Object.entries(startup?.fiveOrigins ?? {}))
    if (steps.error) lines.push(`- start-up of ${name}: failed (${steps.error})`);
  if (startup?.largePolicy.error)
    lines.push(`- compiling 100,000 origins: failed (${startup.largePolicy.error})`);
  for (const [name, size] of Object.entries({ ours: startup?.size.ours, ...startup?.size.peers }))
    if (size?.error) lines.push(`- size of ${name}: not bundled (${size.error})`);
  return [
    '## Cells not timed',
    '',
    ...(lines.length ? lines : ['None: every cell passed its check.']),
  ].join('\n');
}

/** The report; `charts` ({ file, title }, file relative to the report) are shown after the header. */
export function renderReport(results, charts = []) {
  const sections = [header(results)];
  if (charts.length > 0) sections.push(chartsSection(charts));
  sections.push(targetsSection(results));
  if (results.startup) sections.push(startupSection(results));
  if (results.inprocess.length) sections.push(inProcessSection(results));
  if (results.http.length) sections.push(httpSection(results));
  sections.push(notMeasured(results));
  return `${sections.join('\n\n')}\n`;
}
