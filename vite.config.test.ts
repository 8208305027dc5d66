/**
 * The dev server (`vite`, as `npm run dev` runs it) with the project's vite.config.ts: it refuses to
 * serve secrets and the repository's dot-files through /@fs/, and it answers a bad request body with
 * the same 4xx as workerd (app/routes/api/invoke.test.ts), not a 500. The Worker's vars come from a
 * file of this test (EDGE_DEV_VARS_FILES), never from the developer's .dev.vars.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('.', import.meta.url))
const id = `${process.pid}-${Date.now()}`
const dir = mkdtempSync(join(tmpdir(), 'vite-dev-'))
let server: ViteDevServer
const nodeEnv = process.env.NODE_ENV
let base: string

// Files the dev server must not serve, made for this test (a developer's own may or may not exist):
// the exact names in a folder of the test's own, so a real .dev.vars is never touched.
const folder = `vite-deny-test-${id}`
const secrets = [`.dev.vars.test-${id}`, `.env.test-${id}`, `test-${id}.pem`, `test-${id}.key`, `.test-${id}`, `${folder}/.dev.vars`, `${folder}/.env`]

beforeAll(async () => {
  const vars = join(dir, 'worker.vars')
  // Nothing listens on port 1: no request of this test may reach an upstream.
  writeFileSync(vars, 'UPSTREAM_URL=http://127.0.0.1:1/v1/invoke\nUPSTREAM_API_KEY=k\nUPSTREAM_AWS_ACCESS_KEY_ID=AKID\nUPSTREAM_AWS_SECRET_ACCESS_KEY=s\nOWNER_COOKIE_SECRET=dev-server-test-secret\n')
  process.env.EDGE_DEV_VARS_FILES = vars
  // As `npm run dev` runs it (vitest sets NODE_ENV=test): Vite's dependency cache (node_modules/.vite)
  // keys on NODE_ENV, and a dev server that finds it made under another re-optimizes at start, while
  // the Cloudflare plugin loads the Worker, which can fail that start.
  process.env.NODE_ENV = 'development'
  mkdirSync(join(ROOT, folder))
  for (const name of secrets) writeFileSync(join(ROOT, name), 'SECRET=do-not-serve\n')
  server = await createServer({ configFile: join(ROOT, 'vite.config.ts'), root: ROOT, logLevel: 'silent', server: { port: 0, strictPort: false } })
  await server.listen()
  base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`
})

afterAll(async () => {
  await server?.close()
  for (const name of secrets) rmSync(join(ROOT, name), { force: true })
  rmSync(join(ROOT, folder), { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
  delete process.env.EDGE_DEV_VARS_FILES
  if (nodeEnv === undefined) delete process.env.NODE_ENV
  else process.env.NODE_ENV = nodeEnv
})

describe('the dev server', () => {
  it('refuses .dev.vars*, .env*, keys and dot-files through /@fs/, and serves an ordinary project file', async () => {
    for (const name of [...secrets, '.gitignore', '.ci/run']) {
      const res = await fetch(`${base}/@fs${ROOT}${name}`)
      const text = await res.text()
      expect(`${name} ${res.status}`).toBe(`${name} 403`)
      expect(text).not.toContain('do-not-serve')
    }
    const allowed = await fetch(`${base}/@fs${ROOT}package.json`)
    expect(allowed.status).toBe(200)
    expect(await allowed.text()).toContain('"edge-agent-chat"')
  })

  it('answers POST /api/invoke with no body or an empty one with the 4xx workerd gives', async () => {
    const cases: Array<[RequestInit, number, string]> = [
      [{ method: 'POST' }, 415, 'unsupported_media_type'],
      [{ method: 'POST', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }, 400, 'invalid_json'],
      [{ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }, 400, 'prompt_required'],
    ]
    for (const [init, status, code] of cases) {
      const res = await fetch(`${base}/api/invoke`, init)
      expect(res.status).toBe(status)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code)
    }
  })

  it('uses the vars of EDGE_DEV_VARS_FILES: a valid prompt goes to their (unreachable) upstream', async () => {
    const res = await fetch(`${base}/api/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"hi"}' })
    expect(res.status).toBe(502)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unreachable')
  })
})
