// The report's figure sections: (a) in-process and (b) over HTTP, every cell in full.
import { cell, ns, ratio, rowTitle, table, us } from './format.js';

export function inProcessSection(results) {
  const out = [
    '## (a) In-process cost, ns of CPU per call',
    '',
    'Each contender is called in a loop; cells are the added ns per call over the baseline: the',
    'median of the per-sample differences [95% interval]. "Middleware alone": the middleware or hook',
    'called with minimal request/response objects, against a no-op of the same shape. "Whole app":',
    "the framework's request handler on real node:http request and response objects (Hono: `app.fetch`",
    'with a Request), against the same app without CORS. "static" sets ours\' answer with no checks;',
    '"core" is `policy.decide()` alone (node:http row).',
    '',
  ];
  for (const row of results.inprocess.filter((r) => r.results)) {
    const framework = results.frameworks.find((f) => f.id === row.framework);
    const peer = framework.peer ?? 'no peer';
    out.push(`### ${rowTitle(results, row)} (${peer} vs ${framework.ours})`, '');
    const baselineKind = Object.values(row.results)[0]?.baselineKind ?? 'baseline';
    const hasCore = row.shape === 'node';
    const rows = results.scenarios.map((s) => {
      const r = row.results[s.id];
      if (!r) return [s.id];
      return [
        `${s.id} ${s.title}`,
        r.baseline === undefined ? cell(r.cells.baseline) : ns(r.baseline),
        framework.peer === null ? '–' : cell(r.cells.peer),
        cell(r.cells.ours),
        cell(r.cells.static),
        ...(hasCore ? [cell(r.cells.core)] : []),
        ratio(r.cells.ours, r.cells.peer).text,
        ratio(r.cells.ours, r.cells.static).text,
      ];
    });
    out.push(
      table(
        [
          'scenario',
          `${baselineKind} ns/call`,
          'peer added',
          'ours added',
          'static added',
          ...(hasCore ? ['core added'] : []),
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

export function httpSection(results) {
  const out = [
    '## (b) Added server CPU per request over HTTP, ns',
    '',
    'Each server runs in its own process and reports its CPU time (user + system) while autocannon',
    'loads it over loopback; bare, peer and ours alternate in rounds. Cells: CPU per request minus the',
    "bare route's in the same round, median over rounds [95% interval]. A preflight answered by the",
    'middleware skips the route, so its added cost can be negative. Hono and fetch handlers are',
    'measured in-process only.',
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
        ratio(r.ours, r.peer).text,
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
