/**
 * The addon's replacement sends the Runtime API what the native addon sent when it was recorded
 * (../fixtures/native-client-<version>.json, by ./record-native.ts): same requests, in the same order,
 * method, path, headers and body byte for byte. Host carries the run's port, so it is compared with the
 * port masked; the recorder masks the function's directory the same way. The processes run where the
 * addon exists (a checkout that built it) and where it does not (CI, macOS) alike.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { record, type RecordedRequest } from './recorder'
import { REGISTER_PATH } from './index'
import { fixturePath, SCENARIOS } from './scenarios'

const require = createRequire(import.meta.url)
// Loading the addon throws in the process under test: a match can only come from the replacement.
const forbidAddon = fileURLToPath(new URL('./forbid-native-addon.cjs', import.meta.url))
const ricVersion = (require('aws-lambda-ric/package.json') as { version: string }).version
const fixture = JSON.parse(readFileSync(fixturePath(ricVersion), 'utf8')) as {
  scenarios: Record<keyof typeof SCENARIOS, RecordedRequest[]>
}

describe(`aws-lambda-ric ${ricVersion} without its native addon`, () => {
  it('has a recording of the native addon for the installed version', () => {
    expect(Object.keys(fixture.scenarios).sort()).toEqual(Object.keys(SCENARIOS).sort())
  })

  for (const [name, scenario] of Object.entries(SCENARIOS) as [keyof typeof SCENARIOS, (typeof SCENARIOS)[keyof typeof SCENARIOS]][]) {
    it(`sends the Runtime API the same requests as the native addon: ${name}`, async () => {
      const { requests, log } = await record({ ...scenario, nodeArgs: ['--require', REGISTER_PATH, '--require', forbidAddon] })
      expect(requests, log).toEqual(fixture.scenarios[name])
    })
  }

})
