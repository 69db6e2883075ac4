// One in-process row of figure (a), measured in a process of its own (see inProcessFigure in
// ./figure-inprocess.js): `node src/inprocess-child.js <row id>`, with the run's environment; the
// row's results go back to the parent over IPC.
import { FRAMEWORKS } from './contenders/index.js';
import { inProcessRows, measureRow } from './figure-inprocess.js';
import { SCENARIOS } from './scenarios.js';
import { ONLY_SCENARIOS, SETTINGS } from './settings.js';

const startedAt = Date.now();
const log = (line) => {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`${seconds} s  ${line}\n`);
};

const id = process.argv[2];
const row = inProcessRows(FRAMEWORKS).find((candidate) => candidate.id === id);
if (row === undefined) throw new Error(`no in-process row ${id}`);
const scenarios = SCENARIOS.filter((s) => !ONLY_SCENARIOS || ONLY_SCENARIOS.includes(s.id));
process.send(await measureRow(row, scenarios, SETTINGS, log));
process.disconnect();
