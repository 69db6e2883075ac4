// `npm run bench`: figure (a) in-process, figure (b) over HTTP, figure (c) start-up and size; then
// the raw results in bench/results/, the report (bench/RESULTS.md), its charts (bench/charts/) and,
// for bench/RESULTS.md, the root README's headline. Settings: ./settings.js and bench/README.md.
import { FRAMEWORKS } from './contenders/index.js';
import { httpFigure } from './figure-http.js';
import { inProcessFigure } from './figure-inprocess.js';
import { writeOutputs } from './outputs.js';
import { collectMeta, loadAverage } from './report/meta.js';
import { saveResults, storable } from './results-file.js';
import { SCENARIOS } from './scenarios.js';
import { ONLY_FRAMEWORKS, ONLY_SCENARIOS, SETTINGS, SKIP } from './settings.js';
import { startupFigure } from './startup.js';

const frameworks = FRAMEWORKS.filter((f) => !ONLY_FRAMEWORKS || ONLY_FRAMEWORKS.includes(f.id));
const scenarios = SCENARIOS.filter((s) => !ONLY_SCENARIOS || ONLY_SCENARIOS.includes(s.id));

const startedAt = Date.now();
function log(line) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`${seconds} s  ${line}\n`);
}

const meta = await collectMeta(SETTINGS);
const inprocess = SKIP.has('inprocess')
  ? []
  : await inProcessFigure(frameworks, scenarios, SETTINGS, log);
const http = SKIP.has('http') ? [] : await httpFigure(frameworks, scenarios, SETTINGS, log);
const startup = SKIP.has('startup') ? null : await startupFigure(SETTINGS, log);
meta.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
meta.loadAverageEnd = loadAverage();
meta.oursAtEnd = (await collectMeta(SETTINGS)).ours;

const results = storable({ meta, frameworks, scenarios, inprocess, http, startup });
log(`raw results: ${await saveResults(results)}`);
for (const file of await writeOutputs(results, process.env.BENCH_OUT)) log(`wrote ${file}`);
log(`done in ${meta.durationSeconds} s`);
