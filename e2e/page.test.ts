import type { Browser, ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import { growth, openChat } from './chat-page'
import { buildEdgeApp, startEdge } from './edge-server'
import { startTestUpstream, testUpstreamVars, type TestUpstream } from '../test-support/test-upstream'

// The chat page in Chromium, served by the built Worker (workerd via wrangler) in front of a test
// upstream that streams slowly.
let upstream: TestUpstream
let edge: Awaited<ReturnType<typeof startEdge>>
let browser: Browser
const problems: string[] = []

beforeAll(async () => {
  upstream = await startTestUpstream()
  await buildEdgeApp()
  edge = await startEdge(testUpstreamVars(upstream))
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await edge?.stop()
  await upstream?.stop()
})

// The error answers this test provokes on purpose (a 503 from /api/invoke) are not problems.
const provoked = (m: ConsoleMessage) => /^Failed to load resource/.test(m.text()) && (m.location().url ?? '').endsWith('/api/invoke')
const open = () => openChat(browser, edge.url, problems, provoked)

/** Waits until `n` assistant turns have finished, and says what the last one shows if it failed. */
async function finishedTurns(page: Page, n: number) {
  await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 20_000 }).toBe(n)
  const errors = await page.locator('.turn.assistant').last().locator('.turn-note.failed').allTextContents()
  expect(errors, 'the answer ended in an error').toEqual([])
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i + 1}`).join(' ')
const answerText = (page: Page) => page.locator('.turn.assistant .answer').last().textContent()

describe('the chat page', () => {
  it('streams an answer in visible steps, stops it, and keeps the partial text under an error', async () => {
    const page = await open()
    const input = page.locator('#prompt')
    await input.fill('slow:stop1 ')
    await input.press('Shift+Enter')
    expect(await input.inputValue()).toBe('slow:stop1 \n')
    await input.fill(`slow:stop1 ${words(40)}`)
    await input.press('Enter')

    await expect.poll(() => page.locator('button.send').isDisabled(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => page.locator('button.stop').isVisible(), { timeout: 10_000 }).toBe(true)
    // Stop once the answer has visibly grown three times (one word per 120 ms upstream).
    await expect.poll(async () => (await growth(page)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
    await page.locator('button.stop').click()

    // A stop reads as a stop (a status, not an alert), above the composer, with Retry.
    const notice = page.locator('.notice')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('Stopped')
    expect(await notice.getAttribute('role')).toBe('status')
    expect(await notice.getAttribute('class')).toBe('notice stopped')
    expect(await notice.locator('button.retry').count()).toBe(1)
    expect(await page.locator('.turn.assistant .turn-note.stopped').count()).toBe(1)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt')
    const partial = (await answerText(page))!
    expect(partial).toMatch(/^w1 w2/)
    expect(partial).not.toContain('w40')
    const steps = (await growth(page)).map((g) => g.text)
    expect(steps.length).toBeGreaterThanOrEqual(3)
    // Each step extends the one before: the answer grows in place, nothing is redrawn differently.
    steps.slice(1).forEach((text, i) => expect(text.startsWith(steps[i])).toBe(true))
    expect(steps.at(-1)).toBe(partial)
    expect(await page.locator('.log').getAttribute('aria-live')).toBe('polite')
    expect(await page.locator('button.send').isDisabled()).toBe(false)
    expect(await page.locator('button.stop').isVisible()).toBe(false)

    // The stop reached the upstream: the session was cancelled and its answer ended (the conversation
    // lets an upstream that numbers its events end the answer itself: app/server/conversation/conversation.ts endEarly).
    const invoke = upstream.seen.find((r) => r.prompt?.startsWith('slow:stop1'))!
    await expect.poll(() => invoke.ended || invoke.aborted, { timeout: 10_000 }).toBe(true)
    await expect.poll(() => upstream.seen.some((r) => r.path === '/v1/cancel' && r.body.includes(invoke.sessionId!)), { timeout: 10_000 }).toBe(true)
    await page.close()
  })

  it('renders markdown as DOM, never model text as HTML, and keeps the session across turns', async () => {
    const page = await open()
    const input = page.locator('#prompt')
    await input.fill('answer:md1 **bold** <img src=x onerror="window.pwned=1"> `code`')
    await input.press('Enter')
    await finishedTurns(page, 1)
    const answer = page.locator('.turn.assistant .answer').last()
    expect(await answer.locator('strong').textContent()).toBe('bold')
    expect(await answer.locator('code').textContent()).toBe('code')
    expect(await answer.textContent()).toContain('<img src=x onerror="window.pwned=1">')
    expect(await page.locator('.log img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
    expect(await page.locator('.turn.user .body').first().textContent()).toContain('<img src=x')

    await input.fill('answer:md2 again')
    await input.press('Enter')
    await finishedTurns(page, 2)
    await page.locator('button.new-chat').click()
    expect(await page.locator('.log .turn').count()).toBe(0)
    await input.fill('answer:md3 fresh')
    await input.press('Enter')
    await finishedTurns(page, 1)

    const session = (tag: string) => upstream.seen.find((r) => r.prompt?.startsWith(tag))!.sessionId
    expect(session('answer:md2')).toBe(session('answer:md1'))
    expect(session('answer:md3')).not.toBe(session('answer:md1'))
    expect(session('answer:md3')).toMatch(/^[A-Za-z0-9_-]{33,256}$/)
    await page.close()
  })

  it('shows an upstream failure inside the turn with Retry, and Retry sends again', async () => {
    const page = await open()
    await page.locator('#prompt').fill('status503:r1')
    await page.locator('#prompt').press('Enter')
    const error = page.locator('.notice.error')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/busy or unavailable/)
    expect(await error.getAttribute('role')).toBe('alert')
    // 503 agent_unavailable is retried once by the page itself before it says anything.
    expect(upstream.seen.filter((r) => r.prompt === 'status503:r1')).toHaveLength(2)
    await error.locator('button.retry').click()
    await expect.poll(() => upstream.seen.filter((r) => r.prompt === 'status503:r1').length, { timeout: 20_000 }).toBe(4)
    // The retry takes the failed exchange's place: one prompt, one failed answer, the alert again.
    await expect.poll(() => page.locator('.notice.error button.retry').count(), { timeout: 20_000 }).toBe(1)
    expect(await page.locator('.turn.user').count()).toBe(1)
    expect(await page.locator('.turn.assistant .turn-note.failed').count()).toBe(1)
    await page.close()
  })

  it('a Stop while the prompt is on its way reads as a stop, whatever the upstream then answers: no error, no second try', async () => {
    const page = await open()
    const input = page.locator('#prompt')
    // A chat's second turn: the chat is known, so its Stop goes out at once, while the turn is starting.
    await input.fill('answer:early1 first')
    await input.press('Enter')
    await finishedTurns(page, 1)
    // cold-status503: the upstream holds its answer (a cold start) until released, then refuses it: 503 agent_unavailable.
    await input.fill('cold-status503:early2')
    await input.press('Enter')
    await expect.poll(() => upstream.seen.filter((r) => r.prompt === 'cold-status503:early2').length, { timeout: 20_000 }).toBe(1)
    await page.locator('button.stop').click()
    await fetch(`${upstream.url}/__release?marker=early2`, { method: 'POST' })
    const notice = page.locator('.notice')
    await expect.poll(() => notice.getAttribute('class'), { timeout: 20_000 }).toBe('notice stopped')
    expect(await notice.textContent()).toContain('Stopped')
    expect(await page.locator('.turn.assistant').last().locator('.turn-note.stopped').count()).toBe(1)
    expect(await page.locator('.turn.assistant').last().locator('.turn-note.failed').count()).toBe(0)
    expect(await page.locator('button.stop').isVisible()).toBe(false)
    // The page's own retry of a 503 is for a prompt nobody stopped: the refused one was sent once.
    expect(upstream.seen.filter((r) => r.prompt === 'cold-status503:early2')).toHaveLength(1)
    await page.close()
  })

  it('a failed answer says why after a reload too, as it did live (not just that it failed)', async () => {
    const page = await open()
    // break: a word, then the upstream's connection breaks: the conversation ends the turn with stream_interrupted.
    await page.locator('#prompt').fill('break:why1')
    await page.locator('#prompt').press('Enter')
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 20_000 }).toBe(1)
    const note = page.locator('.turn.assistant .turn-note.failed')
    const live = await note.allTextContents()
    expect(live).toEqual(['The answer was cut off before it finished.'])
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => page.locator('.turn.assistant:not(.streaming)').count(), { timeout: 20_000 }).toBe(1)
    expect(await note.allTextContents()).toEqual(live)
    expect(await page.locator('.turn.assistant .answer').textContent()).toBe('partial')
    await page.close()
  })

  it('highlights a code block when it comes near the view, not one far above it (a reopened long answer)', async () => {
    const page = await open()
    const fence = (n: number) => '```js\nconst n' + n + ' = ' + n + '\n```'
    const filler = Array.from({ length: 120 }, (_, i) => `Paragraph ${i + 1} between the two code blocks.`).join('\n\n')
    await page.locator('#prompt').fill(`answer:near1 ${fence(1)}\n\n${filler}\n\n${fence(2)}\n\nThe end.`)
    await page.locator('#prompt').press('Enter')
    await finishedTurns(page, 1)
    // Reopened, the answer is rendered whole at once and the view follows it to its end: the first
    // block is thousands of px above the view, the second in it (app/client/near-viewport.ts).
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await finishedTurns(page, 1)
    const code = page.locator('.turn.assistant .code-block code')
    expect(await code.count()).toBe(2)
    const highlighted = (n: number) => code.nth(n).evaluate((el) => el.classList.contains('hljs') && el.querySelector('.hljs-keyword')?.textContent)
    await expect.poll(() => highlighted(1)).toBe('const')
    expect(await code.nth(0).evaluate((el) => el.getBoundingClientRect().bottom)).toBeLessThan(-1000)
    expect(await highlighted(0)).toBe(false)
    expect(await code.nth(0).textContent()).toBe('const n1 = 1')
    // Scrolled to, it takes its colours.
    await code.nth(0).scrollIntoViewIfNeeded()
    await expect.poll(() => highlighted(0)).toBe('const')
    await page.close()
  })

  it('keeps the composer disabled until the island runs, so nothing typed early is lost', async () => {
    // Without JavaScript the page is the server's markup: the island's first client render would
    // replace it (losing typed text), and a native form post would show raw SSE.
    const context = await browser.newContext({ javaScriptEnabled: false })
    const bare = await context.newPage()
    await bare.goto(edge.url)
    expect(await bare.locator('#prompt').isDisabled()).toBe(true)
    expect(await bare.locator('button.send').isDisabled()).toBe(true)
    await context.close()
    const page = await open()
    expect(await page.locator('#prompt').isEnabled()).toBe(true)
    expect(await page.locator('button.send').isEnabled()).toBe(true)
    await page.close()
  })

  it('ran under the Content-Security-Policy with no violations or page errors', () => {
    expect(problems).toEqual([])
  })

  it('the Content-Security-Policy blocks an inline script without the nonce', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()))
    const res = await page.goto(edge.url)
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/)
    expect(res!.headers()['x-content-type-options']).toBe('nosniff')
    expect(res!.headers()['referrer-policy']).toBe('no-referrer')
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.inlineRan = true'
      document.head.appendChild(s)
    })
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined()
    await expect.poll(() => violations.length, { timeout: 10_000 }).toBeGreaterThan(0)
    await page.close()
  })
})
