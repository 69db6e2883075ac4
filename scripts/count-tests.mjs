// Sums vitest's JSON reports into CI's closing line: "N passed, N failed". Each workspace writes
// test-results.json from `npm test`, and test-results.<task>.json from tasks such as test:fuzz.
// Exits non-zero when no test ran at all, so an empty run is never green.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WORKSPACE_ROOTS = ['packages', 'examples', 'bench', 'tests'];
const REPORT = /^test-results(\.[\w-]+)?\.json$/;

let passed = 0;
let failed = 0;
let skipped = 0;

function count(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // A test file that failed to load has no test results; count it as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (result) => result.status === 'failed' && (result.assertionResults ?? []).length === 0,
  ).length;
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + brokenFiles;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(
    `${file}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed`,
  );
}

function hasTests(dir) {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  return typeof JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test === 'string';
}

for (const root of WORKSPACE_ROOTS) {
  if (!existsSync(root)) continue;
  const dirs = existsSync(join(root, 'package.json'))
    ? [root]
    : readdirSync(root).map((name) => join(root, name));
  for (const dir of dirs) {
    if (!statSync(dir).isDirectory()) continue;
    const reports = readdirSync(dir).filter((n) => REPORT.test(n));
    for (const name of reports) count(join(dir, name));
    // A workspace with tests but no report crashed or never ran: that is a failure, not zero tests.
    if (reports.length === 0 && hasTests(dir)) {
      failed += 1;
      console.log(`${dir}: no test report (its tests crashed or did not run), counted as 1 failed`);
    }
  }
}

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
