/**
 * Records what aws-lambda-ric's native addon (rapid-client.node, built from aws-lambda-cpp) sends to the
 * Runtime API, into ../fixtures/native-client-<version>.json. Run once per aws-lambda-ric version, on
 * Linux, where the addon builds:
 *
 *   npm rebuild aws-lambda-ric --dangerously-allow-all-scripts   # builds the addon (~3 min)
 *   npx tsx aws/local/lambda-runtime/rapid-client/record-native.ts
 *
 * The project never loads the addon otherwise (./register.cjs); ./http-client.test.ts checks the
 * replacement against this recording.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { SCENARIOS, fixturePath } from './scenarios'
import { record } from './recorder'

const require = createRequire(import.meta.url)
const ricDir = dirname(require.resolve('aws-lambda-ric/package.json'))
const addon = join(ricDir, 'rapid-client.node')
if (!existsSync(addon)) {
  console.error(`No native addon at ${addon}: build it first with \`npm rebuild aws-lambda-ric --dangerously-allow-all-scripts\`.`)
  process.exit(1)
}
const version = (JSON.parse(readFileSync(join(ricDir, 'package.json'), 'utf8')) as { version: string }).version

const recordings: Record<string, unknown> = {}
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  const { requests, log } = await record(scenario)
  if (requests.length === 0) throw new Error(`${name}: nothing was sent\n${log}`)
  recordings[name] = requests
}
const out = fixturePath(version)
writeFileSync(
  out,
  JSON.stringify(
    {
      recorded: {
        with: `aws-lambda-ric ${version}, its native addon rapid-client.node (aws-lambda-cpp), on ${process.platform} ${process.arch}, Node ${process.version}`,
        by: 'aws/local/lambda-runtime/rapid-client/record-native.ts',
        at: new Date().toISOString().slice(0, 10),
      },
      scenarios: recordings,
    },
    null,
    2,
  ) + '\n',
)
console.log(`wrote ${out}`)
