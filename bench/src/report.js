// bench/RESULTS.md: the machine and versions, the targets as ratios, then both figures in full.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { HOSTILE_SIZES } from './scenarios.js';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../', import.meta.url).pathname;

// ---- meta

/** The package.json of `name` as resolved from `from` (a file path), found by walking up. */
function packageJson(name, from = import.meta.url) {
  try {
    let dir = path.dirname(createRequire(from).resolve(name));
    for (;;) {
      const file = path.join(dir, 'package.json');
      try {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        if (json.name === name) return { ...json, file };
      } catch {
        // not here: keep walking up
      }
      const parent = path.dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

function version(name, from) {
  return packageJson(name, from)?.version ?? 'not installed';
}

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Our packages: version, and when their dist was built (the bench runs the built code). */
function ours(name) {
  const json = packageJson(name);
  if (json === null) return `${name}: not built`;
  let built = 'no dist';
  try {
    built = `dist ${statSync(path.join(path.dirname(json.file), 'dist/index.js')).mtime.toISOString()}`;
  } catch {
    // not built
  }
  return `${name} ${json.version} (${built})`;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage() {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

export async function collectMeta(settings) {
  const cpus = os.cpus();
  const nestExpress = require.resolve('@nestjs/platform-express');
  const nestFastify = require.resolve('@nestjs/platform-fastify');
  const dirty = git('status', '--porcelain', '--', 'packages', 'bench') !== '';
  return {
    date: new Date().toISOString(),
    mode: settings.mode,
    settings,
    machine: `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
    cores: cpus.length,
    loadAverageStart: loadAverage(),
    node: `${process.version} (V8 ${process.versions.v8})`,
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in packages/ or bench/' : ''}`,
    peers: [
      `cors ${version('cors')}`,
      `@fastify/cors ${version('@fastify/cors')}`,
      `@koa/cors ${version('@koa/cors')}`,
      `Nest enableCors: cors ${version('cors', nestExpress)} (platform-express), @fastify/cors ${version('@fastify/cors', nestFastify)} (platform-fastify)`,
    ],
    frameworks: [
      `express ${version('express')}`,
      `fastify ${version('fastify')}`,
      `koa ${version('koa')}`,
      `@nestjs/core ${version('@nestjs/core')}`,
      `@nestjs/platform-express ${version('@nestjs/platform-express')} (express ${version('express', nestExpress)})`,
      `@nestjs/platform-fastify ${version('@nestjs/platform-fastify')} (fastify ${version('fastify', nestFastify)})`,
      `autocannon ${version('autocannon')}`,
    ],
    ours: ['@cors/core', '@cors/node', '@cors/fastify', '@cors/koa', '@cors/nestjs'].map(ours),
  };
}

// ---- formatting

const ns = (value) => Math.round(value).toLocaleString('en-US');
const us = (value) => (value / 1000).toFixed(1);
const spread = ({ median, min, max }) => `${ns(median)} (${ns(min)} to ${ns(max)})`;

/** `a / b` of two added costs, or null when the peer adds nothing measurable. */
function ratio(a, b) {
  if (!a?.added || !b?.added || b.added.median <= 0) return null;
  return a.added.median / b.added.median;
}

function showRatio(value, target) {
  if (value === null) return 'n/a';
  const mark = target === undefined ? '' : value <= target ? ' ✓' : ' ✗';
  return `${value.toFixed(2)}×${mark}`;
}

function cell(result) {
  if (result === undefined) return '–';
  if (result.status === 'missing') return 'missing';
  if (result.status === 'failed') return `**check failed**: ${result.detail}`;
  if (!result.added) return 'not timed';
  return spread(result.added);
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}

// ---- sections

const TARGET_SCENARIOS = (scenarios) => scenarios.filter((s) => !s.hostile).map((s) => s.id);

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
    `${meta.mode}: in-process ${s.inprocess.samples} samples of about ${s.inprocess.sampleMs} ms per contender; ` +
    `HTTP ${s.rounds} rounds of ${s.load.duration} s per contender (${s.load.connections} connections), ` +
    `S7 ${s.rounds} rounds of ${s.hostileLoad.amount} requests`;
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

function frameworkTitle(results, id) {
  return results.frameworks.find((f) => f.id === id)?.title ?? id;
}

/** In-process row of a framework: its own, or the one it shares (Express uses the node row). */
function inProcessRow(results, id) {
  const row = results.inprocess.find((r) => r.framework === id);
  if (row?.sameAs) return results.inprocess.find((r) => r.framework === row.sameAs);
  return row;
}

function targets(results) {
  const ids = TARGET_SCENARIOS(results.scenarios);
  const out = [
    '## Targets',
    '',
    'Where ours misses a target, the profile notes in bench/README.md say which function costs what.',
    '',
  ];

  out.push(
    '### Ours adds at most half of what the peer adds (ours/peer ≤ 0.5), S1–S6',
    '',
    'Ratio of the median added costs; ✓ met, ✗ missed, n/a: not measured or the peer adds nothing measurable.',
    '',
  );
  const rows = [];
  for (const framework of results.frameworks) {
    const inRow = inProcessRow(results, framework.id);
    if (inRow?.results) {
      const label =
        inRow.framework === framework.id
          ? ''
          : ` (= ${frameworkTitle(results, inRow.framework)} row)`;
      rows.push([
        `${framework.title}, in-process${label}`,
        ...ids.map((id) =>
          showRatio(ratio(inRow.results[id]?.cells.ours, inRow.results[id]?.cells.peer), 0.5),
        ),
      ]);
    }
    const httpRow = results.http.find((r) => r.framework === framework.id);
    if (httpRow) {
      rows.push([
        `${framework.title}, HTTP`,
        ...ids.map((id) =>
          showRatio(ratio(httpRow.results[id]?.ours, httpRow.results[id]?.peer), 0.5),
        ),
      ]);
    }
  }
  out.push(table(['', ...ids], rows), '');

  out.push(
    '### Ours costs at most 1.5× setting the same headers statically (in-process)',
    '',
    "Ours' added cost divided by the added cost of a middleware that sets ours' answer (headers, status) with no checks.",
    '',
  );
  const staticRows = results.inprocess
    .filter((r) => r.results)
    .map((r) => [
      frameworkTitle(results, r.framework),
      ...ids.map((id) =>
        showRatio(ratio(r.results[id]?.cells.ours, r.results[id]?.cells.static), 1.5),
      ),
    ]);
  out.push(table(['', ...ids], staticRows), '');

  // S5-3 (3 origins, the allowed one last) is the base: it is timed right before the longer lists,
  // in the same state of the JIT, which S1 (timed first) is not.
  const listIds = ids.filter((id) => id.startsWith('S5-') && id !== 'S5-3');
  if (ids.includes('S5-3') && listIds.length > 0) {
    out.push(
      '### Ours costs the same from 3 to 100,000 origins (within 10%)',
      '',
      "Ours' added cost with the allowed origin last of n, divided by its added cost with the allowed origin last of 3 (S5-3). HTTP figures carry the noise of two differences.",
      '',
    );
    const rows = [];
    for (const r of results.inprocess.filter((row) => row.results)) {
      const base = r.results['S5-3']?.cells.ours;
      rows.push([
        `${frameworkTitle(results, r.framework)}, in-process`,
        ...listIds.map((id) => showRatio(ratio(r.results[id]?.cells.ours, base), 1.1)),
      ]);
    }
    for (const r of results.http) {
      const base = r.results['S5-3']?.ours;
      rows.push([
        `${frameworkTitle(results, r.framework)}, HTTP`,
        ...listIds.map((id) => showRatio(ratio(r.results[id]?.ours, base), 1.1)),
      ]);
    }
    out.push(table(['', ...listIds], rows), '');
  }

  if (results.scenarios.some((s) => s.hostile)) out.push(hostileTargets(results), '');
  return out.join('\n');
}

function hostileTargets(results) {
  const out = [
    '### S7: a 1 MiB hostile Access-Control-Request-Headers is answered in linear time, under 5 ms',
    '',
    'In-process: added ns per call at three sizes of the hostile value; linear means the cost grows at',
    'most like the size (64× from 16 KiB to 1 MiB). Over HTTP: server CPU per request, parsing the 1 MiB',
    'request included (compare with the bare route).',
    '',
  ];
  const sizes = HOSTILE_SIZES.map((size) => `${size >> 10} KiB`);
  const rows = [];
  for (const r of results.inprocess.filter((row) => row.growth)) {
    for (const kind of ['peer', 'ours']) {
      const cells = HOSTILE_SIZES.map((size) => r.growth[size]?.cells[kind]);
      const first = cells[0]?.added?.median;
      const last = cells.at(-1)?.added?.median;
      const growth = first > 0 && last !== undefined ? `${(last / first).toFixed(1)}×` : 'n/a';
      const under = kind === 'ours' && last !== undefined ? (last < 5e6 ? ' ✓' : ' ✗') : '';
      rows.push([
        `${frameworkTitle(results, r.framework)}, ${kind}`,
        ...cells.map((c) => (c?.added ? ns(c.added.median) : cell(c))),
        growth,
        `${last === undefined ? 'n/a' : `${(last / 1e6).toFixed(4)} ms`}${under}`,
      ]);
    }
  }
  out.push(table(['In-process (ns)', ...sizes, '1 MiB / 16 KiB', 'at 1 MiB'], rows), '');
  const httpRows = [];
  for (const r of results.http) {
    const s7 = r.results.S7;
    if (!s7) continue;
    const show = (c) => (c?.perRequest === undefined ? cell(c) : `${us(c.perRequest)} µs`);
    const under = s7.ours?.perRequest === undefined ? '' : s7.ours.perRequest < 5e6 ? ' ✓' : ' ✗';
    httpRows.push([
      frameworkTitle(results, r.framework),
      show(s7.bare),
      show(s7.peer),
      `${show(s7.ours)}${under}`,
      s7.peer?.observed ?? '–',
      s7.ours?.observed ?? '–',
    ]);
  }
  if (httpRows.length > 0) {
    out.push(
      table(
        ['HTTP, CPU per request', 'bare', 'peer', 'ours', 'peer answers', 'ours answers'],
        httpRows,
      ),
    );
  }
  return out.join('\n');
}

function inProcessSection(results) {
  const out = [
    '## (a) In-process cost, ns of CPU per call',
    '',
    'Each contender is called in a loop with minimal request/response objects. Cells: added ns per call',
    'over a no-op middleware of the same shape, median of the paired differences (min to max).',
    '"static" sets ours\' answer with no checks; "core" is `policy.decide()` alone (node row).',
    '',
  ];
  for (const row of results.inprocess) {
    const title = frameworkTitle(results, row.framework);
    if (!row.results) {
      const why = row.sameAs
        ? `same functions as the ${frameworkTitle(results, row.sameAs)} row`
        : row.note;
      out.push(`**${title}**: no row of its own (${why}).`, '');
      continue;
    }
    const framework = results.frameworks.find((f) => f.id === row.framework);
    out.push(`### ${title} (${framework.peer} vs ${framework.ours})`, '');
    const rows = results.scenarios.map((s) => {
      const r = row.results[s.id];
      if (!r) return [s.id];
      return [
        `${s.id} ${s.title}`,
        ns(r.noop),
        cell(r.cells.peer),
        cell(r.cells.ours),
        cell(r.cells.static),
        ...(row.shape === 'node' ? [cell(r.cells.core)] : []),
        showRatio(ratio(r.cells.ours, r.cells.peer)),
        showRatio(ratio(r.cells.ours, r.cells.static)),
      ];
    });
    out.push(
      table(
        [
          'scenario',
          'no-op',
          'peer added',
          'ours added',
          'static added',
          ...(row.shape === 'node' ? ['core added'] : []),
          'ours/peer',
          'ours/static',
        ],
        rows,
      ),
      '',
    );
  }
  return out.join('\n');
}

function httpSection(results) {
  const out = [
    '## (b) Added server CPU per request over HTTP, ns',
    '',
    'Each server runs in its own process and reports its CPU time (user + system) while autocannon',
    'loads it over loopback; bare, peer and ours alternate in rounds. Cells: CPU per request minus the',
    "bare route's in the same round, median (min to max) over rounds. A preflight answered by the",
    'middleware skips the route, so its added cost can be negative.',
    '',
  ];
  for (const row of results.http) {
    const framework = results.frameworks.find((f) => f.id === row.framework);
    out.push(`### ${framework.title} (${framework.peer} vs ${framework.ours})`, '');
    const rows = results.scenarios.map((s) => {
      const r = row.results[s.id];
      if (!r) return [s.id];
      const bare = r.bare?.perRequest === undefined ? cell(r.bare) : us(r.bare.perRequest);
      const errors = ['bare', 'peer', 'ours'].reduce((sum, k) => sum + (r[k]?.errors ?? 0), 0);
      const requests = ['bare', 'peer', 'ours'].reduce((sum, k) => sum + (r[k]?.requests ?? 0), 0);
      return [
        `${s.id} ${s.title}`,
        bare,
        cell(r.peer),
        cell(r.ours),
        showRatio(ratio(r.ours, r.peer)),
        `${requests.toLocaleString('en-US')}${errors ? ` (${errors} errors)` : ''}`,
      ];
    });
    out.push(
      table(['scenario', 'bare µs/req', 'peer added', 'ours added', 'ours/peer', 'requests'], rows),
      '',
    );
  }
  return out.join('\n');
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
        note(`in-process ${frameworkTitle(results, row.framework)} ${id}`, kind, c);
    }
  }
  for (const row of results.http) {
    for (const [id, r] of Object.entries(row.results)) {
      for (const [kind, c] of Object.entries(r))
        note(`HTTP ${frameworkTitle(results, row.framework)} ${id}`, kind, c);
    }
  }
  return [
    '## Cells not timed',
    '',
    ...(lines.length ? lines : ['None: every cell passed its check.']),
  ].join('\n');
}

export function renderReport(results) {
  const sections = [header(results), targets(results)];
  if (results.inprocess.length) sections.push(inProcessSection(results));
  if (results.http.length) sections.push(httpSection(results));
  sections.push(notMeasured(results));
  return `${sections.join('\n\n')}\n`;
}
