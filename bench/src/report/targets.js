// The report's targets: each ratio with its 95% interval, marked ✓ met or ✗ missed only where the
// interval allows the claim, ? otherwise; and how fine a difference this run's HTTP figure resolves.
import { HOSTILE_SIZES } from '../scenarios.js';
import { belowVerdict, median, medianInterval, summarize } from '../stats.js';
import {
  cell,
  frameworkTitle,
  ms,
  ratio,
  rowTitle,
  rowsOf,
  table,
  targetScenarios,
  us,
  withInterval,
} from './format.js';

const MARKS =
  '✓ met, ✗ missed (the whole 95% interval is on that side of the target), ? inconclusive ' +
  '(the interval straddles the target); n/a: not measured, or the peer adds nothing measurable.';

function peerTarget(results, ids) {
  const rows = [];
  for (const framework of results.frameworks.filter((f) => f.peer !== null)) {
    for (const row of rowsOf(results, framework.id)) {
      rows.push([
        `${rowTitle(results, row)}, in-process`,
        ...ids.map(
          (id) => ratio(row.results[id]?.cells.ours, row.results[id]?.cells.peer, 0.5).text,
        ),
      ]);
    }
    const httpRow = results.http.find((r) => r.framework === framework.id);
    if (httpRow) {
      rows.push([
        `${framework.title}, HTTP`,
        ...ids.map((id) => ratio(httpRow.results[id]?.ours, httpRow.results[id]?.peer, 0.5).text),
      ]);
    }
  }
  return [
    '### Ours adds at most half of what the peer adds (ours/peer ≤ 0.5), S1–S6',
    '',
    `Ratio of the median added costs [95% interval]; ${MARKS}`,
    '',
    table(['', ...ids], rows),
  ];
}

function staticTarget(results, ids) {
  const rows = results.inprocess
    .filter((r) => r.results)
    .map((r) => [
      rowTitle(results, r),
      ...ids.map((id) => ratio(r.results[id]?.cells.ours, r.results[id]?.cells.static, 1.5).text),
    ]);
  return [
    '### Ours costs at most 1.5× setting the same headers statically (in-process)',
    '',
    "Ours' added cost divided by the added cost of a contender that sets ours' answer (headers, status) with no checks.",
    '',
    table(['', ...ids], rows),
  ];
}

// S5-3 (3 origins, the allowed one last) is the base: it is timed right before the longer lists,
// in the same state of the JIT, which S1 (timed first) is not.
function flatTarget(results, ids) {
  const listIds = ids.filter((id) => id.startsWith('S5-') && id !== 'S5-3');
  if (!ids.includes('S5-3') || listIds.length === 0) return [];
  const rows = [];
  for (const r of results.inprocess.filter((row) => row.results)) {
    const base = r.results['S5-3']?.cells.ours;
    rows.push([
      `${rowTitle(results, r)}, in-process`,
      ...listIds.map((id) => ratio(r.results[id]?.cells.ours, base, 1.1).text),
    ]);
  }
  for (const r of results.http) {
    const base = r.results['S5-3']?.ours;
    rows.push([
      `${frameworkTitle(results, r.framework)}, HTTP`,
      ...listIds.map((id) => ratio(r.results[id]?.ours, base, 1.1).text),
    ]);
  }
  return [
    '### Ours costs the same from 3 to 100,000 origins (within 10%)',
    '',
    "Ours' added cost with the allowed origin last of n, divided by its added cost with the allowed origin last of 3 (S5-3). The two scenarios are timed one after the other, so their samples are paired by index.",
    '',
    table(['', ...listIds], rows),
  ];
}

function hostileTarget(results) {
  const sizes = HOSTILE_SIZES.map((size) =>
    size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`,
  );
  const rows = [];
  for (const r of results.inprocess.filter((row) => row.growth)) {
    for (const kind of ['peer', 'ours']) {
      const cells = HOSTILE_SIZES.map((size) => r.growth[size]?.cells[kind]);
      if (cells.every((c) => c === undefined)) continue;
      const first = cells[0]?.added?.median;
      const last = cells.at(-1)?.added;
      const growth =
        first > 0 && last !== undefined ? `${(last.median / first).toFixed(1)}×` : 'n/a';
      const under = kind === 'ours' && last !== undefined ? ` ${belowVerdict(last, 5e6)}` : '';
      rows.push([
        `${rowTitle(results, r)}, ${kind}`,
        ...cells.map((c) => (c?.added ? withInterval(c.added) : cell(c))),
        growth,
        `${last === undefined ? 'n/a' : `${ms(last.median / 1e6, 4)} ms`}${under}`,
      ]);
    }
  }
  const out = [
    '### S7: a 1 MiB hostile Access-Control-Request-Headers is answered in linear time, under 5 ms',
    '',
    'In-process: added ns per call at three sizes of the hostile value; linear means the cost grows at',
    'most like the size (64× from 16 KiB to 1 MiB). Over HTTP: server CPU per request, parsing the 1 MiB',
    'request included (compare with the bare route).',
    '',
    table(['In-process (ns)', ...sizes, '1 MiB / 16 KiB', 'at 1 MiB'], rows),
    '',
  ];
  const httpRows = [];
  for (const r of results.http) {
    const s7 = r.results.S7;
    if (!s7) continue;
    const show = (c) => (c?.perRequest === undefined ? cell(c) : `${us(c.perRequest)} µs`);
    const under = s7.ours?.rounds ? ` ${belowVerdict(summarize(s7.ours.rounds), 5e6)}` : '';
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
  return out;
}

/** Half-width at or under which a run tells a 2 µs difference between ours and the peer. */
export const RESOLVES_2_US = 1000;

/**
 * The HTTP figure's resolution: per framework, the 95% interval of ours − peer on S1 (the same
 * round's two CPU-per-request figures) and its half-width.
 */
export function httpResolution(results) {
  const rows = [];
  for (const r of results.http) {
    const ours = r.results.S1?.ours?.added?.values;
    const peer = r.results.S1?.peer?.added?.values;
    if (!ours || !peer) continue;
    const differences = ours.map((value, i) => value - peer[i]);
    const interval = medianInterval(differences);
    const halfWidth = interval ? (interval.hi - interval.lo) / 2 : null;
    rows.push({ framework: r.framework, differences, interval, halfWidth });
  }
  return rows;
}

function resolution(results) {
  const rows = httpResolution(results);
  if (rows.length === 0) return [];
  const answer = (row) => {
    if (row.halfWidth === null) return 'no interval (fewer than 6 rounds)';
    return row.halfWidth <= RESOLVES_2_US ? 'yes' : 'no';
  };
  const lines = rows.map((row) => {
    const difference = row.interval
      ? `${us(median(row.differences))} [${us(row.interval.lo)}, ${us(row.interval.hi)}]`
      : 'n/a';
    return [
      frameworkTitle(results, row.framework),
      difference,
      row.halfWidth === null ? 'n/a' : us(row.halfWidth),
      answer(row),
    ];
  });
  const tells = (id) => rows.find((row) => row.framework === id);
  const plain = ['node', 'fastify']
    .map(tells)
    .filter(Boolean)
    .map(
      (row) =>
        `${frameworkTitle(results, row.framework)}: ${row.halfWidth === null ? 'no interval' : `±${us(row.halfWidth)} µs`}, ${answer(row) === 'yes' ? 'a 2 µs difference is resolved' : 'this machine, in this run, cannot resolve a 2 µs difference'}`,
    );
  return [
    '### How fine the HTTP figure is',
    '',
    `ours − peer on S1, in µs of server CPU per request: median of the per-round differences [95% interval], and the interval's half-width. A run tells a 2 µs difference when the half-width is at most ${us(RESOLVES_2_US)} µs (a true 2 µs difference then gives an interval clear of zero in about 97% of runs). ${plain.join('; ')}.`,
    '',
    table(['S1 over HTTP', 'ours − peer (µs)', 'half-width (µs)', 'tells 2 µs'], lines),
  ];
}

export function targetsSection(results) {
  const ids = targetScenarios(results.scenarios);
  const parts = [
    [
      '## Targets',
      '',
      'Where ours misses a target, the profile notes in bench/README.md say which function costs what.',
    ],
    peerTarget(results, ids),
    results.inprocess.length ? staticTarget(results, ids) : [],
    flatTarget(results, ids),
    results.scenarios.some((s) => s.hostile) ? hostileTarget(results) : [],
    resolution(results),
  ];
  return parts
    .filter((part) => part.length > 0)
    .map((part) => part.join('\n'))
    .join('\n\n');
}
