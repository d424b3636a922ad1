// Prints the closing line of `npm test`: "Tests: N passed, N failed, N skipped".
const { existsSync, readFileSync } = require('node:fs');
const file = process.argv[2];
const totals = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
  }
}
process.stdout.write(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
