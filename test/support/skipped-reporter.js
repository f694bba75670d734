// Prints every skipped test by name after the run, so a test that did not run for want of a
// database (MongoDB, a PostgreSQL server) says so plainly in every run, green or not. Jest's
// own summary only counts them, and lists none from a file whose tests were all skipped.
export default class SkippedReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.testResults.flatMap((file) => file.testResults.filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo').map((t) => t.fullName));
    if (skipped.length === 0) return;
    process.stderr.write(`\n${skipped.length} test(s) skipped:\n${skipped.map((name) => `  - ${name}`).join('\n')}\n\n`);
  }
}
