/**
 * The chat page as a reader uses it, in Chromium through the whole local chain (the built Worker →
 * API Gateway emulator → Lambda → AgentCore emulator → the agent and its tools on the offline model):
 * tool calls and usage shown, scroll following, edit and regenerate, the language switch, IME input,
 * and axe-core's accessibility checks in light and dark.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { en } from '../app/i18n/en'
import { startLocalCloud, type LocalCloud } from '../aws/local/cloud'
import { workerVarsFor } from '../aws/local/worker-vars'
import { launchBrowser } from './browser'
import { buildEdgeApp, startEdge } from './edge-server'

let cloud: LocalCloud
let edge: Awaited<ReturnType<typeof startEdge>>
let browser: Browser
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

beforeAll(async () => {
  // 150 tokens/s: a long answer takes seconds, time enough to scroll while it grows.
  cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 200, tokensPerSecond: 150 } } })
  await buildEdgeApp()
  edge = await startEdge(workerVarsFor(cloud, 'rest'))
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await edge?.stop()
  await cloud?.stop()
})

/** Browser contexts opened so far: each is a client of its own (see open). */
let clients = 0

/**
 * A new visitor's page. Each is its own client to the Worker's per-client rate limit (20 invocations a
 * minute, keyed by CF-Connecting-IP, app/server/rate-limit.ts): locally every context comes from
 * 127.0.0.1, so without an address of its own the suite's ~21 prompts in ~75 s shared one budget, and
 * whichever test sent the 21st in a minute got 429 rate_limited instead of its answer. (A header
 * value only, from TEST-NET-1, RFC 5737: nothing is sent to it.)
 */
async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'en-US', extraHTTPHeaders: { 'CF-Connecting-IP': `192.0.2.${++clients}` }, ...options })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
  await page.goto(edge.url)
  await page.waitForSelector('form.composer[data-ready="true"]')
  return { context, page, problems }
}

async function ask(page: Page, prompt: string): Promise<void> {
  const before = await page.locator('.turn.assistant:not(.streaming)').count()
  await page.locator('#prompt').fill(prompt)
  await page.locator('#prompt').press('Enter')
  await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 30_000 }).toBe(before + 1)
}

const lastAnswer = (page: Page) => page.locator('.turn.assistant').last()

describe('tools and usage on the page', () => {
  it('shows each tool call as it happens (name, running, then done with input and result), before the answer that uses it', async () => {
    const { context, page, problems } = await open()
    // What the reader sees, in order: the first state of the tool call, and when text first appeared.
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] }
      w.seen = []
      new MutationObserver(() => {
        const call = document.querySelector('.tool-call')
        const state = call ? `tool:${call.getAttribute('data-status')}` : ''
        if (state && !w.seen.includes(state)) w.seen.push(state)
        const text = document.querySelector('.turn.assistant .answer')?.textContent ?? ''
        if (text && !w.seen.includes('text')) w.seen.push('text')
      }).observe(document.querySelector('.log')!, { childList: true, subtree: true, characterData: true, attributes: true })
    })
    await ask(page, 'What time is it in Tokyo?')
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
    expect(seen).toEqual(['tool:start', 'tool:end', 'text'])
    const call = lastAnswer(page).locator('details.tool-call')
    expect(await call.locator('summary').textContent()).toBe('current_time Asia/Tokyo done')
    expect(await call.getAttribute('open')).toBeNull()
    await call.locator('summary').click()
    const [input, result] = await call.locator('pre').allTextContents()
    expect(JSON.parse(input)).toEqual({ timeZone: 'Asia/Tokyo' })
    expect(JSON.parse(result)).toMatchObject({ timeZone: 'Asia/Tokyo', iso: expect.any(String) })
    expect(await lastAnswer(page).locator('.answer').textContent()).toContain('current_time')
    expect(problems).toEqual([])
    await context.close()
  })

  it('shows several tools asked for in one turn as separate cards, in the order asked, each with its own name, input, status and result, live and after a reload', async () => {
    const { context, page, problems } = await open()
    // Every state the cards went through (name:status of each, in page order), and when text first appeared.
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] }
      w.seen = []
      new MutationObserver(() => {
        const calls = [...document.querySelectorAll('.turn.assistant .tool-call')]
        const state = calls.map((c) => `${c.querySelector('summary code')?.textContent}:${c.getAttribute('data-status')}`).join(' ')
        if (state && w.seen.at(-1) !== state && !w.seen.includes('text')) w.seen.push(state)
        const text = document.querySelector('.turn.assistant .answer')?.textContent ?? ''
        if (text && !w.seen.includes('text')) w.seen.push('text')
      }).observe(document.querySelector('.log')!, { childList: true, subtree: true, characterData: true, attributes: true })
    })
    await ask(page, 'Convert 5 km to mile and calculate 12*7')
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
    // The cards appear in the order the model asked, each running before it is done, and both are
    // done before the answer's first word.
    expect(seen.at(-1)).toBe('text')
    expect(seen.at(-2)).toBe('convert_units:end calculator:end')
    expect(seen[0]).toMatch(/^convert_units:start/)
    for (const state of seen.slice(0, -1)) expect(state, seen.join(' | ')).toMatch(/^convert_units:\w+( calculator:\w+)?$/)

    const cards = (p: Page) =>
      p.locator('.turn.assistant').last().locator('details.tool-call').evaluateAll((calls) =>
        calls.map((call) => ({
          summary: call.querySelector('summary')?.textContent,
          status: call.getAttribute('data-status'),
          open: call.hasAttribute('open'),
          sections: [...call.querySelectorAll('.tool-section')].map((s) => [s.querySelector('.tool-label')?.textContent, JSON.parse(s.querySelector('pre')?.textContent ?? 'null')]),
        })),
      )
    const expected = [
      {
        summary: 'convert_units 5, km, mile done',
        status: 'end',
        open: false,
        sections: [
          ['Input', { value: 5, from: 'km', to: 'mile' }],
          ['Result', { value: 5, from: 'km', to: 'mile', result: '3.106856 mile' }],
        ],
      },
      { summary: 'calculator 12*7 done', status: 'end', open: false, sections: [['Input', { expression: '12*7' }], ['Result', { expression: '12*7', result: '84' }]] },
    ]
    expect(await cards(page)).toEqual(expected)
    // One answer from both results, in the same order.
    const answer = (await lastAnswer(page).locator('.answer').textContent()) ?? ''
    expect(answer).toMatch(/^Offline model — I asked 2 tools at once\.The convert_units tool .*3\.106856 mile.*The calculator tool .*84/s)
    // Each card opens and closes on its own.
    await lastAnswer(page).locator('details.tool-call summary').nth(1).click()
    expect((await cards(page)).map((c) => c.open)).toEqual([false, true])
    await lastAnswer(page).locator('details.tool-call summary').nth(1).click()
    const live = await lastAnswer(page).locator('.tool-calls').evaluate((el) => el.outerHTML)

    // Reopened from the stored conversation: the same two cards, markup and all.
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count()).toBe(1)
    expect(await lastAnswer(page).locator('.tool-calls').evaluate((el) => el.outerHTML)).toBe(live)
    expect(await cards(page)).toEqual(expected)
    expect(problems).toEqual([])
    await context.close()
  })

  it('shows time to first token, tokens per second, tokens, the estimated cost and the edge time under the answer', async () => {
    const { context, page } = await open()
    await ask(page, 'calculate 2^10')
    expect(await lastAnswer(page).locator('.answer').textContent()).toContain('1024')
    const usage = lastAnswer(page).locator('.usage')
    expect(await usage.locator('.usage-ttft').textContent()).toMatch(/^first token \d+\.\d\d s$/)
    expect(await usage.locator('.usage-speed').textContent()).toMatch(/^[\d,.]+ tokens\/s$/)
    expect(await usage.locator('.usage-tokens').textContent()).toMatch(/^\d+ in \/ \d+ out tokens$/)
    // The offline model is priced at 0 in app/config/model-prices.json.
    expect(await usage.locator('.usage-cost').textContent()).toBe('≈ $0')
    expect(await usage.locator('.usage-edge').textContent()).toMatch(/^edge [\d.]+ ms$/)
    await context.close()
  })
})

describe('scrolling', () => {
  it('follows the answer while at the bottom, stops when the reader scrolls up, and jumps back on request', async () => {
    const { context, page } = await open({ viewport: { width: 900, height: 600 } })
    const atBottom = () => page.evaluate(() => Math.abs(scrollY + innerHeight - document.documentElement.scrollHeight) < 60)
    const answerLength = async () => (await lastAnswer(page).locator('.answer').textContent())?.length ?? 0
    // An answer far longer than the test (20,000 words at 150 a second): only Stop ends it, so every
    // step finds it still running however slow the machine is. A 2,000-word answer (13 s) ended
    // before the Stop at the end on a loaded machine (or before the parked view saw it grow): the flake.
    await page.locator('#prompt').fill('Tell me something long words:20000')
    await page.locator('#prompt').press('Enter')
    // Following: well past a screenful, still at the bottom.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight > 2 * innerHeight), { timeout: 60_000 }).toBe(true)
    expect(await atBottom()).toBe(true)
    expect(await page.locator('button.jump').isVisible()).toBe(false)
    // The Stop button and the composer stay in view while the page scrolls.
    expect(await page.locator('button.stop').isVisible()).toBe(true)

    await page.mouse.move(450, 300)
    await page.mouse.wheel(0, -800)
    // Waits as long as the test may (expect.poll's default gives up after 1 s, short on a loaded machine).
    await page.locator('button.jump').waitFor({ state: 'visible' })
    const parked = await page.evaluate(() => scrollY)
    const grown = await answerLength()
    await expect.poll(answerLength, { timeout: 60_000 }).toBeGreaterThan(grown + 200)
    expect(await page.evaluate(() => scrollY)).toBe(parked)

    await page.locator('button.jump').click()
    expect(await page.locator('button.jump').isVisible()).toBe(false)
    await page.waitForFunction(() => Math.abs(scrollY + innerHeight - document.documentElement.scrollHeight) < 60)
    await page.locator('button.stop').click()
    await page.locator('.notice.stopped').waitFor()
    expect(await page.locator('.notice.stopped').isVisible()).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt')
    await context.close()
  })

  it('opens a reloaded chat at its latest answer on a phone, with no "jump to latest" on offer', async () => {
    const { context, page } = await open({ viewport: { width: 390, height: 844 } })
    const atBottom = () => page.evaluate(() => Math.abs(scrollY + innerHeight - document.documentElement.scrollHeight) < 60)
    await ask(page, 'Explain streaming from the edge in a table and a code example')
    await expect.poll(atBottom).toBe(true)
    // The welcome, still shown while the stored chat was laid out, left after the page had scrolled
    // to the bottom: the page shrank under the scroll, and the follower took the clamp for the reader.
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await lastAnswer(page).locator('.usage-ttft').waitFor()
    await expect.poll(atBottom).toBe(true)
    expect(await page.locator('button.jump').isVisible()).toBe(false)
    await context.close()
  })
})

describe('the composer', () => {
  it('grows with its text and counts its characters; keeps the focus after Send; Esc stops the answer, which reads as a stop', async () => {
    const { context, page } = await open()
    const input = page.locator('#prompt')
    const height = () => input.evaluate((el) => el.getBoundingClientRect().height)
    await input.fill('one line')
    const oneLine = await height()
    expect(await page.locator('.count').textContent()).toBe('8 / 16,000')
    await input.fill('a\nb\nc\nd\ne\nf')
    expect(await height()).toBeGreaterThan(oneLine * 1.8)
    expect(await page.locator('.count').textContent()).toBe('11 / 16,000')

    // Only Esc ends it (see the scrolling test).
    await input.fill('Tell me something long words:20000')
    await input.press('Enter')
    await page.locator('button.stop').waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt')
    expect(await height()).toBeLessThan(oneLine * 1.5)
    await expect.poll(async () => (await lastAnswer(page).locator('.answer').textContent())?.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(100)
    await input.press('Escape')
    await page.locator('.notice.stopped').waitFor()
    expect(await page.locator('.notice.error').count()).toBe(0)
    expect(await lastAnswer(page).locator('.turn-note.stopped').count()).toBe(1)
    expect(await lastAnswer(page).locator('.turn-note.failed').count()).toBe(0)
    expect(await page.locator('button.stop').isVisible()).toBe(false)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt')
    await context.close()
  })
})

describe('edit, regenerate and copy', () => {
  it('edits the last prompt in place of its exchange, regenerates an answer, copies it as markdown, and copies a code block', async () => {
    const { context, page } = await open()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: edge.url })
    await ask(page, 'first question')
    // The answer's own list is a top-level list (discs), though the answer sits in the log's list item.
    const bullets = await lastAnswer(page).locator('.answer ul').first().evaluate((ul) => getComputedStyle(ul).listStyleType)
    expect(bullets).toBe('disc')
    await ask(page, 'second question')
    expect(await page.locator('.turn.user button.edit:visible').count()).toBe(1)

    // Cancel gives the composer back what it held before the edit (a draft), not the prompt to edit.
    await page.locator('#prompt').fill('a draft')
    await page.locator('.turn.user').last().locator('button.edit').click()
    expect(await page.locator('#prompt').inputValue()).toBe('second question')
    await page.locator('.editing button.cancel-edit').click()
    expect(await page.locator('.editing').isVisible()).toBe(false)
    expect(await page.locator('#prompt').inputValue()).toBe('a draft')

    await page.locator('.turn.user').last().locator('button.edit').click()
    expect(await page.locator('#prompt').inputValue()).toBe('second question')
    expect(await page.locator('.editing').isVisible()).toBe(true)
    await page.locator('#prompt').fill('edited question')
    await page.locator('#prompt').press('Enter')
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 30_000 }).toBe(2)
    expect(await page.locator('.turn.user .body').allTextContents()).toEqual(['first question', 'edited question'])
    // The agent forgot the replaced exchange: the answer's memory line names the first question.
    const edited = (await lastAnswer(page).locator('.answer').textContent())!
    expect(edited).toContain('Earlier you asked: “first question”')
    expect(edited).toContain('this is turn 2 of our conversation')

    await lastAnswer(page).locator('button.regenerate').click()
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 30_000 }).toBe(2)
    expect(await page.locator('.turn.user').count()).toBe(2)
    expect(await lastAnswer(page).locator('.answer').textContent()).toBe(edited)

    await lastAnswer(page).locator('button.copy-answer').click()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied.startsWith('**Offline model** — you asked:\n\n> edited question\n')).toBe(true)
    expect(copied).toContain('```json\n')
    // A code block's own copy button copies its code, as text.
    const block = lastAnswer(page).locator('.code-block').first()
    await block.locator('button.copy').click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(await block.locator('code').textContent())
    expect(copied).toContain(await block.locator('code').textContent())
    // Its code is highlighted by the highlighting Worker (app/client/highlight.ts), allowed by the
    // page's CSP: the Worker's module was loaded and the highlighter's own chunk (its fallback on the page) was not.
    await expect.poll(() => block.locator('code.hljs span[class^="hljs-"]').count()).toBeGreaterThan(0)
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname))
    expect(scripts.some((path) => /\/highlight-worker[-.]/.test(path))).toBe(true)
    expect(scripts.some((path) => /\/highlighter[-.]/.test(path))).toBe(false)
    await context.close()
  })

  for (const [locale, says] of [
    ['en-US', 'The message is longer than the limit of 16,000 characters: shorten it and send it again.'],
    // The page's own words in Japanese (app/client/error-text.ts), not the server's English message.
    ['ja-JP', 'メッセージが上限の 16,000 文字を超えています。短くしてから送信してください。'],
  ] as const) {
    it(`keeps a prompt the server refuses as too long in the composer, with no Retry, and says why in the page's language (${locale})`, async () => {
      const { context, page } = await open({ locale })
      const tooLong = 'x'.repeat(16_001)
      await page.locator('#prompt').fill(tooLong)
      expect(await page.locator('.count').getAttribute('class')).toBe('count over')
      await page.locator('#prompt').press('Enter')
      const notice = page.locator('.notice.error')
      await notice.waitFor()
      expect(await notice.locator('.notice-text').textContent()).toBe(says)
      expect(await notice.locator('button.retry').count()).toBe(0)
      expect(await page.locator('#prompt').inputValue()).toBe(tooLong)
      expect(await page.locator('.log .turn').count()).toBe(0)
      await context.close()
    })
  }
})

describe('languages', () => {
  it('follows Accept-Language, and a switch that is remembered over it', async () => {
    const { context, page } = await open({ locale: 'ja-JP' })
    expect(await page.locator('html').getAttribute('lang')).toBe('ja')
    expect(await page.locator('button.send').textContent()).toBe('送信')
    expect(await page.locator('.welcome h2').textContent()).toBe('何をお手伝いしましょうか？')
    await ask(page, '東京は今何時？')
    expect(await lastAnswer(page).locator('.tool-call summary').textContent()).toBe('current_time Asia/Tokyo 完了')
    expect(await lastAnswer(page).locator('.usage-ttft').textContent()).toMatch(/^最初のトークンまで/)

    await page.locator('select.lang-switch').selectOption('en')
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.locator('button.send').textContent()).toBe('Send')
    expect(await page.locator('#prompt').getAttribute('placeholder')).toMatch(/^Ask the agent/)
    expect(await lastAnswer(page).locator('button.regenerate').textContent()).toBe('Regenerate')
    expect(await page.locator('.turn.user .who').textContent()).toBe('You')

    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    expect(await page.locator('button.send').textContent()).toBe('Send')
    expect(await page.locator('select.lang-switch').inputValue()).toBe('en')
    await context.close()
  })

  for (const locale of ['ja-JP', 'en-US']) {
    it(`never sends on the Enter that ends an IME composition (${locale})`, async () => {
      const { context, page } = await open({ locale })
      const input = page.locator('#prompt')
      await input.focus()
      const cdp = await context.newCDPSession(page)
      // A real composition in Chromium's IME path: marked text, Enter while it is open, then commit.
      await cdp.send('Input.imeSetComposition', { text: 'とうきょう', selectionStart: 5, selectionEnd: 5 })
      await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 })
      await cdp.send('Input.insertText', { text: '東京' })
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 })
      expect(await input.inputValue()).toBe('東京')
      expect(await page.locator('.log .turn').count()).toBe(0)
      // The next Enter, with no composition open, sends.
      await input.press('Enter')
      await expect.poll(() => page.locator('.log .turn.user').count()).toBe(1)
      await context.close()
    })
  }
})

describe('accessibility and layout', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violations, contrast included (${colorScheme})`, async () => {
      const { context, page } = await open({ colorScheme })
      const audit = async () => {
        // page.evaluate runs outside the page's CSP (an injected <script> would be refused).
        await page.evaluate(AXE_SOURCE)
        return page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (o: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe
          const result = await axe.run({ resultTypes: ['violations'] })
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
        })
      }
      expect(await audit(), 'welcome state').toEqual([])
      // A new user's first click: the welcome example that asks for a table and a code example
      // (app/i18n/en.ts example4); the offline model answers it with both (aws/agent/offline-answer.ts).
      await page.getByRole('button', { name: en.example4 }).click()
      await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 30_000 }).toBe(1)
      expect(await lastAnswer(page).locator('table th').allTextContents()).toEqual(['#', 'Word', 'Characters'])
      expect(await lastAnswer(page).locator('table tbody td:nth-child(2)').allTextContents()).toEqual(['Explain', 'streaming', 'from', 'the', 'edge'])
      await ask(page, 'What time is it in Tokyo?')
      await page.locator('.tool-call summary').first().click()
      await page.waitForFunction(() => document.querySelectorAll('code.hljs').length > 0)
      expect(await audit(), 'a conversation with a tool call, code, quotes, lists and a table').toEqual([])
      await context.close()
    })
  }

  it('puts the composer at the bottom of a phone screen, even before the first message', async () => {
    const { context, page } = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const box = await page.locator('form.composer').boundingBox()
    expect(box!.y + box!.height).toBeGreaterThan(844 - 40)
    expect(box!.y + box!.height).toBeLessThanOrEqual(844)
    await context.close()
  })
})
