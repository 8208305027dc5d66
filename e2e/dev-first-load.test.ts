/**
 * The first page load under `npm run dev` right after a fresh install: Vite has optimized none of the
 * page's dependencies yet (an empty cache folder here). The page must load once, its composer must
 * turn ready, and a prompt must be answered — with no reload by Vite's dependency optimizer on the
 * way (it reloads the page when it meets a dependency it had not pre-bundled, and the island's
 * requests in flight then fail: the composer stayed disabled until a second load).
 *
 * The dev server is the project's vite.config.ts as `npm run dev` runs it (the Worker in workerd),
 * in front of the test upstream (test-support/test-upstream.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestUpstream, testUpstreamVars, type TestUpstream } from '../test-support/test-upstream'
import { launchBrowser } from './browser'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'vite-first-load-'))
let upstream: TestUpstream
let server: ViteDevServer
let browser: Browser
let base: string

beforeAll(async () => {
  upstream = await startTestUpstream()
  const vars = join(dir, 'worker.vars')
  const lines = Object.entries({ ...testUpstreamVars(upstream), OWNER_COOKIE_SECRET: 'first-load-test-secret' }).map(([k, v]) => `${k}=${v}`)
  writeFileSync(vars, lines.join('\n') + '\n')
  process.env.EDGE_DEV_VARS_FILES = vars
  // An empty cache folder: what a fresh clone's first `npm run dev` has (node_modules/.vite absent).
  server = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    root: ROOT,
    cacheDir: join(dir, 'vite-cache'),
    logLevel: 'silent',
    server: { port: 0, strictPort: false },
  })
  await server.listen()
  base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await upstream?.stop()
  rmSync(dir, { recursive: true, force: true })
  delete process.env.EDGE_DEV_VARS_FILES
})

describe('the first load under the dev server, with nothing optimized yet', () => {
  it('loads once, turns the composer ready and answers a prompt', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    // Document loads, not navigations: the page itself puts the chat's id in the address
    // (history.replaceState), a same-document navigation.
    let loads = 0
    page.on('domcontentloaded', () => loads++)
    await page.goto(base)
    await page.waitForSelector('form.composer[data-ready="true"]')
    await page.locator('#prompt').fill('answer:first-load hello from a fresh install')
    await page.locator('#prompt').press('Enter')
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 30_000 }).toBe(1)
    expect(await page.locator('.turn.assistant .answer').textContent()).toContain('hello from a fresh install')
    // One navigation: the optimizer never reloaded the page.
    expect(loads).toBe(1)
    expect(problems).toEqual([])
    await page.close()
  })
})
