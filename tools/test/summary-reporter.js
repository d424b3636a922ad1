// Appends each Jest run's counts to the file in PARCHEE_TEST_SUMMARY, so `npm test` can print
// one closing line for all the projects and tiers that Nx ran separately.
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.PARCHEE_TEST_SUMMARY;
    if (!file) return;
    appendFileSync(
      file,
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }) + '\n',
    );
  }
}

module.exports = SummaryReporter;
