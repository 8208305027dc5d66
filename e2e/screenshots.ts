/**
 * `npm run screenshots`: the README's pictures of the chat page, made by driving Chromium through the
 * local chain (the built Worker → API Gateway emulator → Lambda → AgentCore emulator → the agent on
 * its offline model), so they can be made again after any change to the page. Writes
 * docs/screenshots/{welcome-light,desktop-light,desktop-dark,mobile,mobile-chats}.png.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { startLocalCloud } from '../aws/local/cloud'
import { workerVarsFor } from '../aws/local/worker-vars'
import { launchBrowser } from './browser'
import { buildEdgeApp, startEdge } from './edge-server'

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))

/** One conversation: a tool call, then an answer with a quote, a list and highlighted code. */
async function converse(page: Page, prompts: readonly string[]): Promise<void> {
  for (const [i, prompt] of prompts.entries()) {
    await page.locator('#prompt').fill(prompt)
    await page.locator('#prompt').press('Enter')
    await page.locator('.turn.assistant:not(.streaming)').nth(i).waitFor({ timeout: 30_000 })
  }
  await page.locator('.turn.assistant').last().locator('.answer .usage, .usage').first().waitFor()
  // Highlighting arrives with its chunk after the answer is complete.
  await page.waitForFunction(() => document.querySelectorAll('code.hljs').length > 0 || document.querySelectorAll('.code-block').length === 0)
}

/** Earlier chats of the same visitor, so the sidebar lists a few (each run to its end, not shown). */
const EARLIER = ['Convert 5 km to miles', 'Calculate (12.5 * 4) / 3']

async function shoot(
  browser: Browser,
  url: string,
  name: string,
  options: Parameters<Browser['newContext']>[0],
  prompts: readonly string[],
  { drawer = false } = {},
) {
  const context = await browser.newContext(options)
  if (prompts.length > 0) {
    for (const prompt of EARLIER) {
      const res = await context.request.post(`${url}/api/invoke`, { data: { prompt }, headers: { accept: 'text/event-stream' } })
      await res.body()
    }
  }
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForSelector('form.composer[data-ready="true"]')
  if (prompts.length === 0) {
    await page.screenshot({ path: `${OUT}${name}.png` })
  } else {
    await converse(page, prompts)
    await page.locator('.turn.assistant').last().locator('.turn-actions').waitFor()
    await page.locator(`nav.chats li:nth-child(${EARLIER.length + 1})`).waitFor({ state: 'attached' })
    await page.screenshot({ path: `${OUT}${name}.png` })
    if (drawer) {
      await page.locator('button.chats-toggle').click()
      await page.screenshot({ path: `${OUT}${name}-chats.png` })
      console.log(`wrote docs/screenshots/${name}-chats.png`)
    }
  }
  await context.close()
  console.log(`wrote docs/screenshots/${name}.png`)
}

async function main() {
  mkdirSync(OUT, { recursive: true })
  const cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 100, tokensPerSecond: 400 } } })
  try {
    await buildEdgeApp()
    const edge = await startEdge(workerVarsFor(cloud, 'rest'))
    const browser = await launchBrowser()
    try {
      const desktop = { viewport: { width: 1280, height: 860 } }
      const prompts = ['What time is it in Tokyo and in London?', 'Explain how the answer streams, with a list and a code example']
      await shoot(browser, edge.url, 'welcome-light', { ...desktop, colorScheme: 'light', locale: 'en-US' }, [])
      await shoot(browser, edge.url, 'desktop-light', { ...desktop, colorScheme: 'light', locale: 'en-US' }, prompts)
      await shoot(browser, edge.url, 'desktop-dark', { ...desktop, colorScheme: 'dark', locale: 'en-US' }, prompts)
      await shoot(
        browser,
        edge.url,
        'mobile',
        { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light', locale: 'ja-JP' },
        ['東京とロンドンの時刻は？'],
        { drawer: true },
      )
    } finally {
      await browser.close()
      await edge.stop()
    }
  } finally {
    await cloud.stop()
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
