// Where does a contender spend its time? Calls one in-process contender in a loop under the V8
// CPU profiler (what `node --cpu-prof` records), prints the functions with the most self time, and
// saves the profile to bench/results/ for Chrome DevTools or speedscope.
//
// Usage: node src/profile.js <row> <peer|ours|static|core> <scenario> [seconds]
//   <row>: an in-process row id (node-middleware, fastify-app, nest-express-app, hono-app, …) or a
//   framework id (its first row). e.g. node src/profile.js node ours S1
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { FRAMEWORKS } from './contenders/index.js';
import { inProcessRows } from './figure-inprocess.js';
import { profileLoop } from './inprocess.js';
import { SCENARIOS } from './scenarios.js';

const [rowId = 'node', kind = 'ours', scenarioId = 'S1', seconds = '3'] = process.argv.slice(2);
const rows = inProcessRows(FRAMEWORKS);
const row = rows.find((r) => r.id === rowId) ?? rows.find((r) => r.framework.id === rowId);
const scenario = SCENARIOS.find((s) => s.id === scenarioId);
if (!row || !scenario) {
  console.error(
    `usage: node src/profile.js <${rows.map((r) => r.id).join('|')}> <peer|ours|static|core> <S1…S7> [seconds]`,
  );
  process.exit(1);
}

const loop = await profileLoop(row, scenario, kind);
await loop(1e5); // warm up before recording

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
const end = Date.now() + Number(seconds) * 1000;
let calls = 0;
while (Date.now() < end) {
  await loop(1e4);
  calls += 1e4;
}
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Self time per function: hit counts of the profile's nodes, merged by function and location.
const total = profile.samples.length;
const self = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, 'packages/')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  self.set(key, (self.get(key) ?? 0) + node.hitCount);
}
console.log(
  `${row.id}, ${kind}, ${scenario.id}: ${calls.toLocaleString('en-US')} calls, top self time:`,
);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
const dir = new URL('../results/', import.meta.url);
await mkdir(dir, { recursive: true });
const file = new URL(`${row.id}-${kind}-${scenario.id}.cpuprofile`, dir);
await writeFile(file, JSON.stringify(profile));
console.log(`profile: ${file.pathname}`);
