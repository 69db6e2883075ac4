/**
 * The playground page: live cross-origin calls to every API, what the browser allowed, and the
 * decisions each adapter logged (from main.js's GET /decisions, same-origin, so no CORS needed).
 *
 * Stable hooks for browser tests: section[data-adapter], tr[data-call][data-expected]
 * [data-outcome="allowed|blocked"][data-as-expected], and #summary[data-state="done"].
 */

/** The calls made to each API, in order. `check` looks at a response the browser let us read. */
const CALLS = [
  {
    id: 'hello',
    method: 'GET',
    path: '/api/hello',
    note: 'an allowed origin, no credentials',
    expected: 'allowed',
    run: (base) => fetch(`${base}/api/hello`),
    check: async (response) => {
      const body = await response.json();
      return { ok: body.message === 'hello', detail: JSON.stringify(body) };
    },
  },
  {
    id: 'login',
    method: 'POST',
    path: '/api/login',
    note: 'credentialed: the API sets the demo_session cookie',
    expected: 'allowed',
    run: (base) => fetch(`${base}/api/login`, { method: 'POST', credentials: 'include' }),
    check: async (response) => ({
      ok: response.status === 204,
      detail: `status ${response.status}`,
    }),
  },
  {
    id: 'me',
    method: 'GET',
    path: '/api/me',
    note: 'credentialed: the cookie goes back, the answer is readable',
    expected: 'allowed',
    run: (base) => fetch(`${base}/api/me`, { credentials: 'include' }),
    check: async (response) => {
      const body = await response.json();
      return { ok: typeof body.session === 'string', detail: `session: ${body.session}` };
    },
  },
  {
    id: 'put',
    method: 'PUT',
    path: '/api/items/42',
    note: 'preflighted: PUT with X-Custom and a JSON body',
    expected: 'allowed',
    run: (base) =>
      fetch(`${base}/api/items/42`, {
        method: 'PUT',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', 'X-Custom': 'demo' },
        body: JSON.stringify({ name: 'demo' }),
      }),
    check: async (response) => {
      const body = await response.json();
      return { ok: body.updated === true && body.custom === 'demo', detail: JSON.stringify(body) };
    },
  },
  {
    id: 'exposed',
    method: 'GET',
    path: '/api/exposed',
    note: 'X-Request-Id is exposed, X-Hidden is not',
    expected: 'allowed',
    run: (base) => fetch(`${base}/api/exposed`, { credentials: 'include' }),
    check: async (response) => {
      const requestId = response.headers.get('x-request-id');
      const hidden = response.headers.get('x-hidden');
      return {
        ok: requestId !== null && hidden === null,
        detail: `X-Request-Id: ${requestId}, X-Hidden: ${hidden}`,
      };
    },
  },
  {
    id: 'strict',
    method: 'GET',
    path: '/strict/hello',
    note: '', // filled in with the strict origin
    expected: 'blocked',
    run: (base) => fetch(`${base}/strict/hello`),
    check: async (response) => ({ ok: false, detail: `readable, status ${response.status}` }),
  },
];

const $ = (selector, root = document) => root.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

let config;
let runStartSeq = 0;
let running = false;
const decisionsSeen = [];

async function loadConfig() {
  const response = await fetch('/config.json');
  config = await response.json();
  $('#page-origin').textContent = config.pageOrigin;
  const strict = CALLS.find((call) => call.id === 'strict');
  strict.note = `a policy that allows only ${config.strictOrigin}: the browser must block it`;
}

function renderAdapters() {
  const root = $('#adapters');
  root.replaceChildren();
  for (const api of config.apis) {
    const section = element('section', { 'data-adapter': api.id });
    section.append(element('h2', {}, api.name));
    if (api.error) {
      section.dataset.error = 'true';
      section.append(element('p', { class: 'error' }, `Failed to start: ${api.error}`));
      root.append(section);
      continue;
    }
    section.append(element('div', { class: 'url' }, api.url));
    const table = element('table');
    table.append(
      element(
        'thead',
        {},
        element(
          'tr',
          {},
          element('th', {}, 'Call'),
          element('th', {}, 'Expected'),
          element('th', {}, 'Browser'),
          element('th', {}, 'What the page read'),
          element('th', {}, 'Decisions logged by the adapter'),
        ),
      ),
    );
    const body = element('tbody');
    for (const call of CALLS) {
      const row = element('tr', {
        'data-call': call.id,
        'data-expected': call.expected,
        'data-outcome': 'pending',
      });
      row.append(
        element(
          'td',
          {},
          element('code', {}, `${call.method} ${call.path}`),
          element('div', { class: 'note' }, call.note),
        ),
        element('td', { class: 'expected' }, call.expected),
        element('td', { class: 'outcome' }, '…'),
        element('td', { class: 'detail' }),
        element('td', { class: 'decisions' }),
      );
      body.append(row);
    }
    table.append(body);
    section.append(table);
    root.append(section);
  }
}

/** One call from the browser: `blocked` when fetch rejects (that is how a CORS refusal looks to a page). */
async function runCall(api, call) {
  const row = $(`section[data-adapter="${api.id}"] tr[data-call="${call.id}"]`);
  let outcome;
  let detail;
  let ok = false;
  try {
    const response = await call.run(api.url);
    outcome = 'allowed';
    ({ ok, detail } = await call.check(response));
  } catch (error) {
    outcome = 'blocked';
    detail = `${error.name}: ${error.message}`;
  }
  const asExpected = outcome === call.expected && (outcome === 'blocked' || ok);
  row.dataset.outcome = outcome;
  row.dataset.asExpected = String(asExpected);
  const cell = $('.outcome', row);
  cell.replaceChildren(element('span', { class: 'mark' }, asExpected ? '✓' : '✗'), outcome);
  $('.detail', row).textContent = detail;
  return asExpected;
}

function updateSummary(done, passed, total) {
  const summary = $('#summary');
  const failed = config.apis.filter((api) => api.error).length;
  const note = failed > 0 ? ` (${failed} API${failed > 1 ? 's' : ''} failed to start)` : '';
  summary.dataset.state = done ? 'done' : 'running';
  summary.dataset.passed = String(passed);
  summary.dataset.total = String(total);
  summary.dataset.allExpected = String(done && passed === total);
  summary.textContent = done
    ? `${passed}/${total} as expected${note}`
    : `Running… ${passed}/${total}${note}`;
}

async function runAll() {
  if (running) return;
  running = true;
  $('#run').disabled = true;
  renderAdapters();
  const latest = await (await fetch('/decisions?after=0')).json();
  runStartSeq = latest.last;
  decisionsSeen.length = 0;
  const apis = config.apis.filter((api) => !api.error);
  const total = apis.length * CALLS.length;
  let passed = 0;
  updateSummary(false, 0, total);
  // One API after the other: cookies belong to the host, not the port, so every API on localhost
  // shares the demo_session cookie; a login and its /api/me must not interleave with another's.
  for (const api of apis) {
    for (const call of CALLS) {
      if (await runCall(api, call)) passed++;
      updateSummary(false, passed, total);
    }
  }
  await pollDecisions();
  updateSummary(true, passed, total);
  running = false;
  $('#run').disabled = false;
}

function pathOf(url) {
  return new URL(url, 'http://localhost').pathname;
}

function renderDecision(entry) {
  const box = element('div', {
    class: 'decision',
    'data-kind': entry.kind,
    'data-reason': entry.reason,
  });
  const verdict = entry.allowed ? 'allowed' : 'refused';
  box.append(
    `${entry.method} · ${entry.kind} · `,
    element('span', { class: verdict }, verdict),
    ` · reason: ${entry.reason}`,
    entry.end ? ` · answered ${entry.status}` : '',
  );
  const list = element('ul');
  const names = Object.keys(entry.headers);
  for (const name of names) list.append(element('li', {}, `${name}: ${entry.headers[name]}`));
  if (entry.vary) list.append(element('li', {}, `vary += ${entry.vary}`));
  if (names.length === 0) list.append(element('li', {}, '(no CORS headers)'));
  if (entry.message) list.append(element('li', { class: 'note' }, entry.message));
  box.append(list);
  return box;
}

async function pollDecisions() {
  const after =
    decisionsSeen.length > 0 ? decisionsSeen[decisionsSeen.length - 1].seq : runStartSeq;
  const response = await fetch(`/decisions?after=${after}`);
  const { decisions } = await response.json();
  decisionsSeen.push(...decisions);
  for (const api of config.apis) {
    for (const call of CALLS) {
      const cell = $(`section[data-adapter="${api.id}"] tr[data-call="${call.id}"] .decisions`);
      if (!cell) continue;
      const mine = decisionsSeen.filter(
        (entry) => entry.api === api.id && pathOf(entry.url) === call.path,
      );
      cell.replaceChildren(...mine.map(renderDecision));
      if (
        call.method === 'PUT' &&
        mine.length > 0 &&
        !mine.some((entry) => entry.method === 'OPTIONS')
      ) {
        // Access-Control-Max-Age let the browser reuse the last preflight's answer.
        cell.append(
          element(
            'div',
            { class: 'note' },
            'No preflight this time: the browser reused its cached answer (Access-Control-Max-Age).',
          ),
        );
      }
      cell.parentElement.dataset.decisions = String(mine.length);
    }
  }
}

async function start() {
  await loadConfig();
  $('#run').addEventListener('click', () => void runAll());
  window.setInterval(() => void pollDecisions().catch(() => {}), 1000);
  await runAll();
}

start().catch((error) => {
  $('#summary').textContent = `The page failed: ${error.message}`;
  $('#summary').dataset.state = 'error';
});
