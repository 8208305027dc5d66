import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildEdgeApp } from './edge-server'

// The Worker's deploy path as far as it goes offline: `npm run build`, then `wrangler deploy
// --dry-run`, which bundles and checks everything `wrangler deploy` uploads and stops before the
// upload. The secret is a .dev.vars value only: it must appear in nothing that is uploaded.
const root = fileURLToPath(new URL('..', import.meta.url))
const run = promisify(execFile)
const offline = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }

let outdir: string
let output: string

beforeAll(async () => {
  await buildEdgeApp()
  outdir = mkdtempSync(join(tmpdir(), 'eac-dry-run-'))
  const { stdout, stderr } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], { cwd: root, env: offline })
  output = stdout + stderr
})

afterAll(() => rmSync(outdir, { recursive: true, force: true }))

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('wrangler deploy --dry-run', () => {
  it('bundles the built Worker and stops before uploading', () => {
    expect(output).toContain('--dry-run: exiting now.')
    const worker = readFileSync(join(outdir, 'index.js'), 'utf8')
    expect(worker).toContain('/api/invoke')
  })

  it('declares the rate limiter and the upstream vars, and no API key', () => {
    expect(output).toMatch(/env\.RATE_LIMITER \(20 requests\/60s\)\s+Rate Limit/)
    expect(output).toMatch(/env\.UPSTREAM_URL \("[^"]+\/v1\/invoke"\)/)
    expect(output).toContain('env.MAX_PROMPT_CHARS')
    expect(output).not.toContain('UPSTREAM_API_KEY')
  })

  it('uploads the island bundle as static assets, without the Worker script or a secret', () => {
    const assets = filesUnder(join(root, 'dist'))
    expect(assets.some((f) => /static\/client-[\w-]+\.js$/.test(f))).toBe(true)
    const ignored = readFileSync(join(root, 'public/.assetsignore'), 'utf8')
    expect(ignored).toMatch(/index\.js/)
    const devVars = join(root, '.dev.vars')
    const key = existsSync(devVars) ? /^UPSTREAM_API_KEY=(.+)$/m.exec(readFileSync(devVars, 'utf8'))?.[1]?.trim() : undefined
    for (const file of [...assets, join(outdir, 'index.js')]) {
      const text = readFileSync(file, 'utf8')
      expect(text).not.toContain('UPSTREAM_API_KEY=')
      if (key) expect(text.includes(key), `${file} holds the .dev.vars API key`).toBe(false)
    }
  })
})
