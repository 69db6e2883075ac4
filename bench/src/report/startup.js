// The report's start-up and size section (figure (c)), with its three budgets.
import { belowVerdict } from '../stats.js';
import { ms, ratio, table, withInterval } from './format.js';

export const STARTUP_TARGET = 1.5; // ours ÷ the fastest peer, import + configure
export const LARGE_POLICY_TARGET_MS = 150; // compiling 100,000 origins
export const SIZE_BUDGET_BYTES = 40_000; // the core, minified + gzipped

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const showMs = (value) => ms(value, 2);

/**
 * The peer with the lowest median CPU time for import + configure, and ours' ratio to it (paired
 * round by round); `fastest` null when ours or every peer failed.
 */
export function startupComparison(startup) {
  const contenders = startup.fiveOrigins;
  const measured = (id) => contenders[id]?.total !== undefined;
  const peers = Object.keys(contenders).filter((id) => id !== 'ours' && measured(id));
  if (!measured('ours') || peers.length === 0) return { fastest: null, ratio: ratio() };
  const fastest = peers.reduce((best, id) =>
    contenders[id].total.cpu.median < contenders[best].total.cpu.median ? id : best,
  );
  const oursRatio = ratio(
    { added: contenders.ours.total.cpu },
    { added: contenders[fastest].total.cpu },
    STARTUP_TARGET,
  );
  return { fastest, ratio: oursRatio };
}

export function sizeVerdict(size) {
  return size.gzipped <= SIZE_BUDGET_BYTES ? '✓' : '✗';
}

function importAndConfigure(startup) {
  const { fastest, ratio: oursRatio } = startupComparison(startup);
  const fastestMedian = fastest ? startup.fiveOrigins[fastest].total.cpu.median : null;
  const rows = Object.entries(startup.fiveOrigins).map(([id, steps]) => {
    const name = id === 'ours' ? '@cors/core (ours)' : id === fastest ? `${id} (fastest peer)` : id;
    if (steps.error) return [name, `**failed**: ${steps.error}`, '', '', '', ''];
    return [
      name,
      withInterval(steps.import.cpu, showMs),
      withInterval(steps.configure.cpu, showMs),
      withInterval(steps.total.cpu, showMs),
      withInterval(steps.total.wall, showMs),
      id === 'ours'
        ? oursRatio.text
        : fastestMedian
          ? `${(steps.total.cpu.median / fastestMedian).toFixed(2)}×`
          : 'n/a',
    ];
  });
  return [
    `### Import and configure, five origins (target: ours ≤ ${STARTUP_TARGET}× the fastest peer)`,
    '',
    `${startup.processes} fresh \`node\` processes per library, in rounds (one process of each library per round, order rotating). Milliseconds from before \`import()\` to a configured middleware: for ours, \`createCorsPolicy\` of the five origins; \`cors(options)\`, \`koaCors(options)\`, hono's \`cors(options)\`; for \`@fastify/cors\`, its options object (registering the plugin is Fastify's work, so it is left out, which favours the peer). Median [95% interval] of process CPU time; wall time beside it. Ours' ratio is paired round by round with the fastest peer.`,
    '',
    table(
      [
        'library',
        'import (CPU ms)',
        'configure (CPU ms)',
        'total (CPU ms)',
        'total (wall ms)',
        '÷ fastest peer',
      ],
      rows,
    ),
  ];
}

function largePolicy(startup) {
  const compile = startup.largePolicy.compile;
  const row = startup.largePolicy.error
    ? ['@cors/core', `**failed**: ${startup.largePolicy.error}`, '', '?']
    : [
        '@cors/core',
        withInterval(compile.cpu, ms),
        withInterval(compile.wall, ms),
        belowVerdict(compile.cpu, LARGE_POLICY_TARGET_MS),
      ];
  return [
    `### Compiling a 100,000-origin policy (target: under ${LARGE_POLICY_TARGET_MS} ms)`,
    '',
    `\`createCorsPolicy\` of 100,000 exact origins in ${startup.largePolicyProcesses} fresh processes (the import and building the list are not timed).`,
    '',
    table(['', 'CPU ms', 'wall ms', 'target'], [row]),
  ];
}

function size(startup) {
  const { ours, peers } = startup.size;
  if (ours.error) {
    return [
      `### Size (budget: ${kB(SIZE_BUDGET_BYTES)} minified + gzipped)`,
      '',
      `The core could not be bundled: ${ours.error}`,
    ];
  }
  const rows = [
    [
      '@cors/core',
      kB(ours.minified),
      kB(ours.gzipped),
      `${sizeVerdict(ours)} (budget ${kB(SIZE_BUDGET_BYTES)})`,
    ],
  ];
  if (ours.table?.count > 0) {
    rows.push(
      [
        'of which the Public Suffix List table',
        kB(ours.table.minified),
        kB(ours.table.gzipped),
        '',
      ],
      [
        'of which the rest',
        kB(ours.minified - ours.table.minified),
        kB(ours.gzipped - ours.table.gzipped),
        '',
      ],
    );
  }
  for (const [name, peer] of Object.entries(peers)) {
    rows.push(
      peer.error
        ? [name, 'not bundled', peer.error.slice(0, 80), '']
        : [`${name} (for comparison)`, kB(peer.minified), kB(peer.gzipped), ''],
    );
  }
  const tableNote =
    ours.table?.count > 0
      ? "The table's share is what emptying the bundle's string literals of 4 KiB or more saves (the table is the only one)."
      : "No string literal of 4 KiB or more was found in the bundle, so the table's share is not reported.";
  return [
    `### Size (budget: ${kB(SIZE_BUDGET_BYTES)} minified + gzipped)`,
    '',
    `The package's ESM entry (ours: the core's built \`dist/index.js\`) bundled by esbuild with \`--minify\`, gzip level 9; kB = 1,000 bytes. ${tableNote}`,
    '',
    table(['', 'minified', 'minified + gzip', 'budget'], rows),
  ];
}

export function startupSection(results) {
  const startup = results.startup;
  return [
    '## (c) Start-up and size',
    '',
    ...importAndConfigure(startup),
    '',
    ...largePolicy(startup),
    '',
    ...size(startup),
  ].join('\n');
}
