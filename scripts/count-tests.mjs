// Sums vitest's JSON reports (one per package) into CI's closing line: "N passed, N failed".
// Exits non-zero when no test ran at all, so an empty run is never green.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'examples', 'bench'];
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const root of roots) {
  if (!existsSync(root)) continue;
  const dirs =
    statSync(root).isDirectory() && existsSync(join(root, 'package.json'))
      ? [root]
      : readdirSync(root).map((d) => join(root, d));
  for (const dir of dirs) {
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    // A test file that failed to load has no test results; count it as one failure.
    const brokenFiles = (report.testResults ?? []).filter(
      (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
    ).length;
    failed += (report.numFailedTests ?? 0) + brokenFiles;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    rows.push(`${dir}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
for (const row of rows) console.log(row);
const tail = skipped > 0 ? `, ${skipped} skipped` : '';
console.log(`${passed} passed, ${failed} failed${tail}`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
