/**
 * The playground page: one matrix, a row per call and a column per adapter. Each cell shows what
 * the browser did with the call, the adapter's answer on the wire (replayed by main.js over HTTP)
 * and the reasons of the decisions the adapter logged; a row whose answers differ between adapters
 * is flagged, and so is each differing cell. Below, collapsed, the raw decision log per adapter.
 *
 * Stable hooks for browser tests: `#matrix tr[data-row]` (`data-agree`), `td.cell[data-adapter]
 * [data-call][data-outcome][data-as-expected][data-differs]`, decisions as `[data-seq]`, the log's
 * `section[data-adapter] tr[data-call][data-expected][data-outcome]`, and
 * `#summary[data-state="done"][data-all-expected]`.
 */
import { CALLS, CONFIG_ERROR, callUrl } from '/calls.js';

const $ = (selector, root = document) => root.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** What the page checks in an answer it could read, beyond the status. */
const CHECKS = {
  hello: async (response) => (await response.json()).message === 'hello',
  me: async (response) => typeof (await response.json()).session === 'string',
  put: async (response) => (await response.json()).custom === 'demo',
  exposed: async (response) =>
    response.headers.get('x-request-id') !== null && response.headers.get('x-hidden') === null,
};

let config;
let apis = [];
let running = false;
/** Decisions by sequence number: a decision fetched twice is still shown once. */
const decisions = new Map();
let lastSeq = 0;
let runStartSeq = 0;
let inFlight = null;
/** api id → call id → replayed steps */
let wire = {};
/** api id → call id → browser result */
const results = {};

async function loadConfig() {
  config = await (await fetch('/config.json')).json();
  apis = config.apis.filter((api) => !api.error);
  $('#page-origin').textContent = config.pageOrigin;
}

function cellFor(apiId, callId) {
  return $(`td.cell[data-adapter="${apiId}"][data-call="${callId}"]`);
}

function renderMatrix() {
  const table = $('#matrix');
  table.replaceChildren();
  const head = element('tr', {}, element('th', { class: 'call' }, 'Call, and what it shows'));
  for (const api of config.apis) {
    head.append(
      element(
        'th',
        { 'data-adapter': api.id },
        api.name,
        element('span', { class: 'url' }, api.error ? `failed: ${api.error}` : api.url),
      ),
    );
  }
  head.append(element('th', {}, 'Same answer?'));
  table.append(element('thead', {}, head));
  const body = element('tbody');
  for (const call of CALLS) {
    const row = element('tr', { 'data-row': call.id });
    const label = `${call.method} ${call.path}${call.headers ? ` + ${Object.keys(call.headers).join(', ')}` : ''}${call.credentials ? ' (credentials)' : ''}`;
    row.append(
      element(
        'td',
        { class: 'call' },
        element('code', {}, label),
        element('div', { class: 'why' }, call.why),
      ),
    );
    for (const api of config.apis) {
      row.append(
        element(
          'td',
          {
            class: 'cell',
            'data-adapter': api.id,
            'data-call': call.id,
            'data-outcome': 'pending',
          },
          element('div', { class: 'verdict' }, api.error ? '—' : '…'),
          element('div', { class: 'wire' }),
          element('div', { class: 'reasons' }),
        ),
      );
    }
    row.append(element('td', { class: 'agreement' }, '…'));
    body.append(row);
  }
  body.append(configErrorRow());
  table.append(body);
}

/** The start-up row: each API module tried `{ origin: '*', credentials: true }`. */
function configErrorRow() {
  const row = element('tr', { 'data-row': CONFIG_ERROR.id });
  row.append(
    element(
      'td',
      { class: 'call' },
      element('code', {}, `start-up: ${CONFIG_ERROR.options}`),
      element('div', { class: 'why' }, CONFIG_ERROR.why),
    ),
  );
  const signatures = {};
  for (const api of config.apis) {
    const result = api.configError ?? { thrown: false };
    const asExpected = result.thrown === true && result.name === 'CorsConfigError';
    signatures[api.id] = JSON.stringify([result.name, result.codes]);
    row.append(
      element(
        'td',
        {
          class: 'cell',
          'data-adapter': api.id,
          'data-call': CONFIG_ERROR.id,
          'data-outcome': result.thrown ? 'refused' : 'started',
          'data-as-expected': String(asExpected),
          title: result.message ?? '',
        },
        element(
          'div',
          { class: 'verdict' },
          `${asExpected ? '✓' : '✗'} ${result.thrown ? 'refused at start-up' : 'started anyway'}`,
        ),
        element('div', { class: 'wire' }, result.name ?? ''),
        element('div', { class: 'reasons' }, (result.codes ?? []).join(', ')),
      ),
    );
  }
  row.append(element('td', { class: 'agreement' }));
  markAgreement(row, signatures);
  return row;
}

/** Flags a row whose signatures differ, and each cell that is not the most common answer. */
function markAgreement(row, signatures) {
  const counts = new Map();
  for (const signature of Object.values(signatures))
    counts.set(signature, (counts.get(signature) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const differing = Object.keys(signatures).filter((id) => signatures[id] !== majority);
  row.dataset.agree = String(differing.length === 0);
  for (const id of Object.keys(signatures)) {
    const cell = $(`td.cell[data-adapter="${id}"]`, row);
    if (cell) cell.dataset.differs = String(differing.includes(id));
  }
  const names = differing.map((id) => config.apis.find((api) => api.id === id)?.name ?? id);
  $('td.agreement', row).textContent =
    differing.length === 0
      ? `✓ identical (${Object.keys(signatures).length})`
      : `✗ differs: ${names.join(', ')}`;
}

/** One call from the browser: `blocked` when fetch rejects (all a page sees of a CORS refusal). */
async function runCall(api, call) {
  const init = {
    method: call.method,
    credentials: call.credentials ? 'include' : 'same-origin',
    headers: call.headers ?? {},
  };
  if (call.body !== undefined) init.body = call.body;
  let outcome = 'blocked';
  let status = null;
  let checked = false;
  let detail;
  try {
    const response = await fetch(callUrl(api.url, call), init);
    outcome = 'read';
    status = response.status;
    checked = CHECKS[call.id] === undefined ? true : await CHECKS[call.id](response);
    detail = `status ${status}`;
  } catch (error) {
    detail = `${error.name}: ${error.message}`;
  }
  const asExpected =
    outcome === call.expected && (outcome === 'blocked' || (status === call.status && checked));
  results[api.id] ??= {};
  results[api.id][call.id] = { outcome, status, asExpected, detail };
  const cell = cellFor(api.id, call.id);
  cell.dataset.outcome = outcome;
  cell.dataset.asExpected = String(asExpected);
  $('.verdict', cell).textContent =
    `${asExpected ? '✓' : '✗'} ${outcome}${status === null ? '' : ` ${status}`}`;
  const logRow = $(`section[data-adapter="${api.id}"] tr[data-call="${call.id}"]`);
  logRow.dataset.outcome = outcome === 'read' ? 'allowed' : 'blocked';
  logRow.dataset.asExpected = String(asExpected);
  $('.outcome', logRow).textContent = `${asExpected ? '✓' : '✗'} ${outcome} (${detail})`;
  return asExpected;
}

function renderWire() {
  for (const call of CALLS) {
    const signatures = {};
    for (const api of apis) {
      const steps = wire[api.id]?.[call.id];
      if (steps === undefined) continue;
      signatures[api.id] = JSON.stringify(steps);
      const last = steps[steps.length - 1];
      const acao = last.headers['access-control-allow-origin'];
      const vary = last.headers.vary;
      const cell = cellFor(api.id, call.id);
      $('.wire', cell).replaceChildren(
        steps.map((step) => `${step.method} ${step.status}`).join(' → '),
        element('br'),
        `Allow-Origin ${acao === config.pageOrigin ? '✓' : acao === undefined ? '—' : acao}`,
        // The preflight tokens, shortened here; the cell's detail has them in full.
        ` · Vary ${vary === undefined ? '—' : vary.replaceAll('Access-Control-Request-', 'ACR-')}`,
      );
    }
    markAgreement($(`tr[data-row="${call.id}"]`), signatures);
  }
}

function pathOf(url) {
  return new URL(url, 'http://localhost');
}

/** The decisions the page's own call caused (not main.js's replays), by api and call. */
function decisionsOf(apiId, callId) {
  const mine = [];
  for (const entry of decisions.values()) {
    if (entry.seq <= runStartSeq || entry.api !== apiId) continue;
    const params = pathOf(entry.url).searchParams;
    if (params.get('call') === callId && params.get('by') === 'page') mine.push(entry);
  }
  return mine.sort((a, b) => a.seq - b.seq);
}

function renderDecisions() {
  for (const api of apis) {
    for (const call of CALLS) {
      const mine = decisionsOf(api.id, call.id);
      const chips = mine.map((entry) =>
        element(
          'span',
          {
            'data-seq': String(entry.seq),
            title: `${entry.method} ${entry.kind}: ${entry.message ?? entry.reason}`,
          },
          `${entry.method === 'OPTIONS' ? 'preflight' : entry.method}: ${entry.reason}`,
        ),
      );
      const cell = cellFor(api.id, call.id);
      if (cell) $('.reasons', cell).replaceChildren(...chips);
      const logRow = $(`section[data-adapter="${api.id}"] tr[data-call="${call.id}"]`);
      if (logRow) {
        logRow.dataset.decisions = String(mine.length);
        $('.decisions', logRow).replaceChildren(
          ...mine.map((entry) =>
            element(
              'div',
              { 'data-seq': String(entry.seq) },
              `#${entry.seq} ${entry.method} ${entry.kind} ${entry.allowed ? 'allowed' : 'refused'} (${entry.reason})${entry.end ? ` → ${entry.status}` : ''}; ${
                Object.entries(entry.headers)
                  .map(([name, value]) => `${name}: ${value}`)
                  .join('; ') || 'no CORS headers'
              }${entry.vary ? `; vary += ${entry.vary}` : ''}`,
            ),
          ),
        );
      }
    }
  }
}

/**
 * Fetches the decisions logged since the last one seen. One request at a time: a poll that starts
 * while another is in flight waits for it, so two polls never read the same `after` and append the
 * same decisions twice (the page once showed 18 copies with a slow /decisions). Decisions are kept
 * by sequence number as well, so that a repeated one could not show twice anyway.
 */
function poll() {
  if (inFlight !== null) return inFlight;
  inFlight = (async () => {
    const response = await fetch(`/decisions?after=${lastSeq}`);
    const { decisions: list } = await response.json();
    for (const entry of list) {
      decisions.set(entry.seq, entry);
      if (entry.seq > lastSeq) lastSeq = entry.seq;
    }
    renderDecisions();
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** After a run: wait for a poll that may have started before the last call, then poll once more. */
async function pollAfterRun() {
  if (inFlight !== null) await inFlight.catch(() => {});
  await poll();
}

function renderLog() {
  const root = $('#adapters');
  root.replaceChildren();
  for (const api of config.apis) {
    const section = element('section', { 'data-adapter': api.id }, element('h3', {}, api.name));
    if (api.error) {
      section.append(element('p', {}, `Failed to start: ${api.error}`));
      root.append(section);
      continue;
    }
    const table = element('table');
    for (const call of CALLS) {
      table.append(
        element(
          'tr',
          {
            'data-call': call.id,
            'data-expected': call.expected === 'read' ? 'allowed' : 'blocked',
            'data-outcome': 'pending',
          },
          element('td', {}, element('code', {}, `${call.method} ${call.path}`)),
          element('td', { class: 'outcome' }, '…'),
          element('td', { class: 'decisions' }),
        ),
      );
    }
    section.append(table);
    root.append(section);
  }
}

function showDetail(cell) {
  const apiId = cell.dataset.adapter;
  const callId = cell.dataset.call;
  const api = config.apis.find((each) => each.id === apiId);
  const detail = $('#detail');
  if (callId === CONFIG_ERROR.id) {
    detail.replaceChildren(
      element('strong', {}, `${api.name} × start-up with ${CONFIG_ERROR.options}`),
      element('pre', {}, api.configError?.message ?? '(no error)'),
    );
    return;
  }
  const steps = wire[apiId]?.[callId] ?? [];
  const text = steps
    .map(
      (step) =>
        `${step.method} → ${step.status}\n${
          Object.entries(step.headers)
            .map(([name, value]) => `  ${name}: ${value}`)
            .join('\n') || '  (no CORS headers, no Vary)'
        }`,
    )
    .join('\n');
  const logged = decisionsOf(apiId, callId)
    .map(
      (entry) =>
        `#${entry.seq} ${entry.method} ${entry.kind}: ${entry.reason}${entry.message ? ` — ${entry.message}` : ''}`,
    )
    .join('\n');
  detail.replaceChildren(
    element('strong', {}, `${api.name} × ${callId}: the answer on the wire`),
    element('pre', {}, text || '(not replayed)'),
    element('strong', {}, 'Decisions logged'),
    element('pre', {}, logged || '(none yet)'),
  );
}

function updateSummary(done, passed, total) {
  const summary = $('#summary');
  const failed = config.apis.filter((api) => api.error).length;
  const note = failed > 0 ? ` (${failed} API${failed > 1 ? 's' : ''} failed to start)` : '';
  const rows = [...document.querySelectorAll('#matrix tr[data-row]')];
  const differing = rows.filter((row) => row.dataset.agree === 'false').length;
  summary.dataset.state = done ? 'done' : 'running';
  summary.dataset.passed = String(passed);
  summary.dataset.total = String(total);
  summary.dataset.allExpected = String(done && passed === total);
  summary.textContent = done
    ? `${passed}/${total} as expected; ${rows.length - differing}/${rows.length} rows identical on every adapter${note}`
    : `Running… ${passed}/${total}${note}`;
}

async function runAll() {
  if (running) return;
  running = true;
  $('#run').disabled = true;
  renderMatrix();
  renderLog();
  if (inFlight !== null) await inFlight.catch(() => {});
  runStartSeq = (await (await fetch(`/decisions?after=${Number.MAX_SAFE_INTEGER}`)).json()).last;
  const configCells = [...document.querySelectorAll(`td.cell[data-call="${CONFIG_ERROR.id}"]`)];
  const configPassed = configCells.filter((cell) => cell.dataset.asExpected === 'true').length;
  const total = apis.length * CALLS.length + configCells.length;
  let passed = configPassed;
  updateSummary(false, passed, total);
  // One API after the other: cookies belong to the host, not the port, so every API on localhost
  // shares the demo_session cookie; a login and its /api/me must not interleave with another's.
  for (const api of apis) {
    for (const call of CALLS) {
      if (await runCall(api, call)) passed++;
      updateSummary(false, passed, total);
    }
  }
  wire = await (await fetch('/replay')).json();
  renderWire();
  await pollAfterRun();
  updateSummary(true, passed, total);
  running = false;
  $('#run').disabled = false;
}

async function start() {
  await loadConfig();
  $('#run').addEventListener('click', () => void runAll());
  $('#matrix').addEventListener('click', (event) => {
    const cell = event.target.closest('td.cell');
    if (cell) showDetail(cell);
  });
  window.setInterval(() => void poll().catch(() => {}), 1000);
  await runAll();
}

start().catch((error) => {
  $('#summary').textContent = `The page failed: ${error.message}`;
  $('#summary').dataset.state = 'error';
});
