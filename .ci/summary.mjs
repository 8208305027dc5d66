// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON reports.
// A report that is missing (its run crashed before writing it) counts as a failure.
import { readFileSync } from 'node:fs'

let passed = 0
let failed = 0
let skipped = 0
for (const file of process.argv.slice(2)) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'))
    passed += r.numPassedTests
    failed += r.numFailedTests
    skipped += r.numPendingTests + r.numTodoTests
    if (r.numTotalTestSuites === 0 || r.numTotalTests === 0) failed += 1
  } catch {
    console.error(`missing test report: ${file}`)
    failed += 1
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
