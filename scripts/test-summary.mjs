#!/usr/bin/env node
// Prints `tests: N passed, M failed` from vitest's JSON report: the one line CI reads. A run with no tests is a failure.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const printSummary = (file) => {
  if (!existsSync(file)) {
    console.log('tests: 0 passed, 0 failed');
    process.stderr.write(`no test report at ${file}\n`);
    return false;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const passed = report.numPassedTests ?? 0;
  const failed = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const suitesFailed = report.numFailedTestSuites ?? 0;
  console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return passed > 0 && failed === 0 && suitesFailed === 0;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(printSummary(process.argv[2] ?? 'reports/vitest.json') ? 0 : 1);
}
