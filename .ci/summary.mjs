// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON reports,
// preceded by each failed test (report, file, name, the first lines of its message): CI's record keeps
// only the tail of the log, and a failure must be identifiable from that tail.
// A report that is missing (its run crashed before writing it) counts as a failure.
import { readFileSync } from 'node:fs'
import { basename, relative } from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
const failures = []
for (const file of process.argv.slice(2)) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'))
    passed += r.numPassedTests
    failed += r.numFailedTests
    skipped += r.numPendingTests + r.numTodoTests
    if (r.numTotalTestSuites === 0 || r.numTotalTests === 0) failed += 1
    for (const suite of r.testResults ?? []) {
      const where = relative(process.cwd(), suite.name)
      const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed')
      for (const t of failedTests) {
        failures.push({ report: basename(file), where, name: t.fullName, message: t.failureMessages?.[0] ?? '' })
      }
      // A file that failed outside any test (an import error, a hook) has no failed test to name.
      if (suite.status === 'failed' && failedTests.length === 0) {
        failures.push({ report: basename(file), where, name: '(the file itself)', message: suite.message ?? '' })
      }
    }
  } catch {
    console.error(`missing test report: ${file}`)
    failed += 1
  }
}
for (const f of failures) {
  const message = f.message.split('\n').slice(0, 6).join('\n    ')
  console.log(`FAILED [${f.report}] ${f.where} > ${f.name}\n    ${message}`)
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
