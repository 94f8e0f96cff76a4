#!/usr/bin/env node
// Prints the one line CI reads, "N passed, N failed", summed over one or more
// vitest JSON reports. Counted as one failure each: a missing report (the
// build or vitest itself failed), a run that vitest marked unsuccessful with
// no failing test (a global setup error, an unhandled error), and every
// `--expect <dir>` that holds no test file of the reports (so that the
// browser tests cannot silently not run), and every `--failed-step <name>`
// (a CI step such as lint or typecheck that failed). A run with no test at
// all fails.
//
//   node scripts/ci-summary.js [--expect test/browser/] [--failed-step lint] report.json [more.json …]
import { existsSync, readFileSync } from 'node:fs';

const reports = [];
const expected = [];
const failedSteps = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--expect') expected.push(process.argv[++i]);
  else if (process.argv[i] === '--failed-step') failedSteps.push(process.argv[++i]);
  else reports.push(process.argv[i]);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const files = [];
const problems = failedSteps.map((step) => `step ${step} failed`);
if (reports.length === 0) problems.push('no report given');
for (const file of reports) {
  if (!existsSync(file)) {
    problems.push(`missing report ${file}`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const results = r.testResults ?? [];
  // A file that failed to load (an import error) has no assertion results.
  const suiteFailures = results.filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + suiteFailures;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.success === false && (r.numFailedTests ?? 0) + suiteFailures === 0)
    problems.push(`${file}: vitest reported an error outside the tests`);
  files.push(...results.map((t) => t.name));
}
for (const dir of expected) {
  // Directly in that directory: test/browser/ is not satisfied by test/browser/pages/.
  const want = `/${dir.replace(/^\.?\/+|\/+$/g, '')}`;
  if (!files.some((f) => f.slice(0, f.lastIndexOf('/')).endsWith(want))) problems.push(`no test ran in ${dir}`);
}
for (const p of problems) console.error(`ci-summary: ${p}`);
const total = failed + problems.length;
console.log(`${passed} passed, ${total} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(total > 0 || passed === 0 ? 1 : 0);
