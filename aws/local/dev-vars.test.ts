import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureCookieSecret, planDevVars, wranglerUpstreamUrl, writeLocalUpstreamVars } from './dev-vars'

const LOCAL = 'http://127.0.0.1:8788/v1/invoke'
let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'dev-vars-')))

describe('planDevVars', () => {
  it('writes .dev.vars when absent: the local upstream and a fresh key, readable by the owner only', () => {
    const path = join(fresh(), '.dev.vars')
    const plan = planDevVars(path, LOCAL)
    expect(plan).toMatchObject({ file: 'created', local: true, port: 8788, upstreamUrl: LOCAL })
    expect(plan.apiKey).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const text = readFileSync(path, 'utf8')
    expect(text).toContain(`UPSTREAM_URL=${LOCAL}\n`)
    expect(text).toContain(`UPSTREAM_API_KEY=${plan.apiKey}\n`)
    expect(plan.workerKeys?.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
    expect(plan.workerKeys?.secretAccessKey).toHaveLength(40)
    expect(text).toContain(`UPSTREAM_AWS_ACCESS_KEY_ID=${plan.workerKeys?.accessKeyId}\nUPSTREAM_AWS_SECRET_ACCESS_KEY=${plan.workerKeys?.secretAccessKey}\nUPSTREAM_AWS_REGION=us-east-1\n`)
    expect(statSync(path).mode & 0o077).toBe(0)
    expect(planDevVars(path, LOCAL)).toEqual({ ...plan, file: 'existing' })
  })

  it('keeps an existing file, falling back to wrangler.toml for a missing UPSTREAM_URL', () => {
    const path = join(fresh(), '.dev.vars')
    const text = 'UPSTREAM_API_KEY="abc"\nUPSTREAM_AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nUPSTREAM_AWS_SECRET_ACCESS_KEY="s/e+c"\n'
    writeFileSync(path, text)
    expect(planDevVars(path, LOCAL, 'http://127.0.0.1:9999/v1/invoke')).toEqual({
      file: 'existing',
      upstreamUrl: 'http://127.0.0.1:9999/v1/invoke',
      apiKey: 'abc',
      workerKeys: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's/e+c' },
      local: true,
      port: 9999,
    })
    expect(readFileSync(path, 'utf8')).toBe(text)
  })

  it('adds local AWS keys to a local file written before the API used IAM authorization', () => {
    const path = join(fresh(), '.dev.vars')
    writeFileSync(path, `UPSTREAM_URL=${LOCAL}\nUPSTREAM_API_KEY=abc`)
    const plan = planDevVars(path, LOCAL)
    expect(plan).toMatchObject({ file: 'keys-added', apiKey: 'abc', workerKeys: { accessKeyId: expect.stringMatching(/^AKIA/) } })
    const text = readFileSync(path, 'utf8')
    expect(text).toMatch(new RegExp(`^UPSTREAM_URL=.*\nUPSTREAM_API_KEY=abc\n# Added by .*\nUPSTREAM_AWS_ACCESS_KEY_ID=${plan.workerKeys?.accessKeyId}\n`))
    expect(planDevVars(path, LOCAL)).toEqual({ ...plan, file: 'existing' })
  })

  it('recognizes a file that points at a deployed stack', () => {
    const path = join(fresh(), '.dev.vars')
    writeFileSync(path, 'UPSTREAM_URL=https://abc.execute-api.us-east-1.amazonaws.com/v1/invoke\nUPSTREAM_API_KEY=k\n')
    expect(planDevVars(path, LOCAL)).toMatchObject({ local: false, port: undefined, apiKey: 'k', workerKeys: undefined, file: 'existing' })
    // A deployed stack's keys are the user's to set: the file is left as it was.
    expect(readFileSync(path, 'utf8')).not.toContain('UPSTREAM_AWS')
  })
})

describe('wranglerUpstreamUrl', () => {
  it("reads UPSTREAM_URL from wrangler.toml's vars", () => {
    const path = join(fresh(), 'wrangler.toml')
    writeFileSync(path, '[vars]\nUPSTREAM_URL = "http://127.0.0.1:8788/v1/invoke"\n')
    expect(wranglerUpstreamUrl(path)).toBe('http://127.0.0.1:8788/v1/invoke')
    expect(wranglerUpstreamUrl(join(dir, 'missing.toml'))).toBeUndefined()
  })
})

describe('writeLocalUpstreamVars', () => {
  it("writes this run's upstream URLs to an owner-only file of their own, to be read after .dev.vars", () => {
    const path = writeLocalUpstreamVars({ invokeUrl: 'http://127.0.0.1:5201/v1/invoke', cancelUrl: 'http://127.0.0.1:5201/v1/cancel' })
    try {
      expect(readFileSync(path, 'utf8')).toBe('UPSTREAM_URL=http://127.0.0.1:5201/v1/invoke\nUPSTREAM_CANCEL_URL=http://127.0.0.1:5201/v1/cancel\n')
      expect(statSync(path).mode & 0o077).toBe(0)
    } finally {
      rmSync(dirname(path), { recursive: true, force: true })
    }
  })
})

describe('ensureCookieSecret', () => {
  it('adds OWNER_COOKIE_SECRET to a file without one, keeps the rest, and keeps an existing one on later runs', () => {
    const path = join(fresh(), '.dev.vars')
    writeFileSync(path, 'UPSTREAM_API_KEY="abc"')
    expect(ensureCookieSecret(path)).toBe(true)
    const text = readFileSync(path, 'utf8')
    expect(text).toMatch(/^UPSTREAM_API_KEY="abc"\nOWNER_COOKIE_SECRET=[A-Za-z0-9_-]{43}\n$/)
    expect(ensureCookieSecret(path)).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe(text)
  })
})
