/**
 * Conversations on the page, in Chromium through the whole local chain (the built Worker with its
 * Conversation Durable Objects → API Gateway emulator → Lambda → AgentCore emulator → the agent on
 * the offline model): a reload or a dropped connection in the middle of an answer, two tabs on one
 * chat, Stop reaching the agent, the chats sidebar, and a second visitor who sees none of it.
 *
 * The offline model's answer is a pure function of the prompt (aws/agent/offline-answer.ts), so
 * "nothing lost, nothing doubled" is checked against the answer it must be, byte for byte, as the
 * conversation stored it, and the page's text against a fresh page showing that stored answer.
 * Long answers (words:N) at a slow pace keep the answer running while the page reloads.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../aws/agent/offline-answer'
import { startLocalCloud, type LocalCloud } from '../aws/local/cloud'
import { workerVarsFor } from '../aws/local/worker-vars'
import { launchBrowser } from './browser'
import { buildEdgeApp, startEdge } from './edge-server'

let cloud: LocalCloud
let edge: Awaited<ReturnType<typeof startEdge>>
let browser: Browser
let visitor: BrowserContext
const problems: string[] = []

beforeAll(async () => {
  // 200 tokens/s: a words:5000 answer runs for about 25 s, long enough to reload or cut in the middle
  // even on a loaded machine (a reload took 11 s at a load average of 20 on two cores).
  cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 200, tokensPerSecond: 200 } } })
  await buildEdgeApp()
  edge = await startEdge(workerVarsFor(cloud, 'rest'))
  browser = await launchBrowser()
  visitor = await browser.newContext({ locale: 'en-US' })
})

afterAll(async () => {
  await browser?.close()
  await edge?.stop()
  await cloud?.stop()
})

/** Console errors and page errors are problems, except failed requests while the test is offline on purpose. */
function watch(page: Page): Page {
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|Failed to load resource|network error|Failed to fetch/i.test(m.text())) problems.push(m.text())
  })
  return page
}

async function open(context: BrowserContext, path = '/'): Promise<Page> {
  const page = watch(await context.newPage())
  await page.goto(edge.url + path)
  await page.waitForSelector('form.composer[data-ready="true"]')
  return page
}

async function sendPrompt(page: Page, prompt: string): Promise<string> {
  await page.locator('#prompt').fill(prompt)
  await page.locator('#prompt').press('Enter')
  // The chat's id reaches the address with the answer's first response.
  await expect.poll(() => chatIdOf(page), { timeout: 20_000 }).toMatch(/^[A-Za-z0-9_-]{33,}$/)
  return chatIdOf(page)!
}

const chatIdOf = (page: Page) => new URL(page.url()).searchParams.get('c')
const answer = (page: Page) => page.locator('.turn.assistant .answer').last()
const finished = (page: Page) => page.locator('.turn.assistant:not(.streaming)').count()
const streaming = (page: Page) => page.locator('.turn.assistant.streaming').count()

interface Stored {
  messages: Array<{ role: string; text: string; stopReason?: string | null }>
  running: unknown
}

async function stored(context: BrowserContext, id: string): Promise<Stored> {
  const res = await context.request.get(`${edge.url}/api/conversations/${id}`)
  expect(res.status()).toBe(200)
  return (await res.json()) as Stored
}

/** The page shows exactly the stored answer, and the stored answer is exactly the model's. */
async function expectWholeAnswer(context: BrowserContext, page: Page, id: string, prompt: string): Promise<void> {
  const view = await stored(context, id)
  expect(view.running).toBeNull()
  expect(view.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
  expect(view.messages[1].text).toBe(composeAnswer({ prompt, earlier: [] }))
  expect(view.messages[1].stopReason).toBe('end_turn')
  // The same markdown rendered at once on a fresh page: the text grown through reloads and
  // reconnects must read the same, nothing doubled, nothing missing.
  const fresh = await open(context, `/?c=${id}`)
  await expect.poll(() => finished(fresh)).toBe(1)
  expect(await answer(page).textContent()).toBe(await answer(fresh).textContent())
  expect(await page.locator('.turn.user').count()).toBe(1)
  expect(await page.locator('.turn-note').count()).toBe(0)
  await fresh.close()
}

/** Whether the agent still runs the session's turn (the TypeScript agent's own sessions). */
function agentTurn(sessionId: string) {
  return cloud.agent.sessions.peek(sessionId)?.turn
}

describe('a running answer survives the page', () => {
  it('a reload in the middle of an answer: the chat reopens and the answer continues to its end, nothing doubled', async () => {
    const page = await open(visitor)
    const prompt = 'Resume me after a reload words:5000'
    const id = await sendPrompt(page, prompt)
    await expect.poll(() => answer(page).textContent(), { timeout: 20_000 }).toContain('Offline model')
    expect(agentTurn(id)?.running).toBe(true)

    const reloadedAt = Date.now()
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    expect(chatIdOf(page)).toBe(id)
    // Reopened from storage with the answer so far, and still being written.
    await expect.poll(() => page.locator('.turn.user').count()).toBe(1)
    // A figure for the log, not a test: timing targets live in bench/.
    console.log(`reload → the running answer shown again: ${Date.now() - reloadedAt} ms (includes the page load)`)
    expect(await page.locator('.turn.user .body').textContent()).toBe(prompt)
    expect(await streaming(page)).toBe(1)
    expect(await page.locator('button.stop').isVisible()).toBe(true)
    // The answer so far is rendered at the next animation frame (app/client/render-markdown.ts), not
    // with the turn's element: on a loaded machine the frame came after this check (it read '').
    await expect.poll(() => answer(page).textContent()).toContain('Offline model')

    await expect.poll(() => finished(page), { timeout: 60_000 }).toBe(1)
    await expectWholeAnswer(visitor, page, id, prompt)
    await page.close()
  })

  it('a dropped connection (the browser offline, then online): it reconnects by itself and the answer completes', async () => {
    const page = await open(visitor)
    const prompt = 'Resume me after going offline words:4000'
    const id = await sendPrompt(page, prompt)
    await expect.poll(() => answer(page).textContent(), { timeout: 20_000 }).toContain('Offline model')

    await visitor.setOffline(true)
    // The page says it is reconnecting (a status, not an alert), and the answer waits.
    const notice = page.locator('.notice.info')
    await notice.waitFor({ timeout: 10_000 })
    expect(await notice.textContent()).toMatch(/reconnecting/i)
    expect(await notice.getAttribute('role')).toBe('status')
    expect(await streaming(page)).toBe(1)
    await visitor.setOffline(false)
    const onlineAt = Date.now()
    // Back online: the page reconnects at once (no backoff wait) and the notice goes once the events route answers.
    await notice.waitFor({ state: 'hidden', timeout: 20_000 })
    console.log(`online → reconnected: ${Date.now() - onlineAt} ms`)

    await expect.poll(() => finished(page), { timeout: 60_000 }).toBe(1)
    expect(await page.locator('.notice').isVisible()).toBe(false)
    await expectWholeAnswer(visitor, page, id, prompt)
    await page.close()
  })

  it('two tabs on one chat show the same answer as it grows', async () => {
    const first = await open(visitor)
    const prompt = 'Two tabs, one answer words:2500'
    const id = await sendPrompt(first, prompt)
    await expect.poll(() => answer(first).textContent(), { timeout: 20_000 }).toContain('Offline model')
    const second = await open(visitor, `/?c=${id}`)
    await expect.poll(() => second.locator('.turn.assistant').count()).toBe(1)
    await expect.poll(() => finished(first), { timeout: 60_000 }).toBe(1)
    await expect.poll(() => finished(second), { timeout: 60_000 }).toBe(1)
    expect(await answer(second).textContent()).toBe(await answer(first).textContent())
    await expectWholeAnswer(visitor, second, id, prompt)
    await first.close()
    await second.close()
  })
})

describe('a tab that is not reading learns of turns started elsewhere (its watch socket)', () => {
  it('an idle tab on the chat shows the prompt another tab sends, then its answer growing, without a reload', async () => {
    const first = await open(visitor)
    const id = await sendPrompt(first, 'One tab starts')
    await expect.poll(() => finished(first), { timeout: 30_000 }).toBe(1)
    const second = await open(visitor, `/?c=${id}`)
    await expect.poll(() => finished(second)).toBe(1)
    expect(await streaming(second)).toBe(0)
    // What the idle tab shows of the new answer as it changes, and a mark that a reload would lose.
    await second.evaluate(() => {
      const w = window as unknown as { lengths: number[]; sameDocument: boolean }
      w.sameDocument = true
      w.lengths = []
      new MutationObserver(() => {
        const answers = document.querySelectorAll('.turn.assistant .answer')
        const length = answers.length === 2 ? (answers[1].textContent ?? '').length : 0
        if (length && length !== w.lengths.at(-1)) w.lengths.push(length)
      }).observe(document.querySelector('.log')!, { childList: true, subtree: true, characterData: true })
    })

    const prompt = 'The other tab asks words:1500'
    await first.locator('#prompt').fill(prompt)
    await first.locator('#prompt').press('Enter')
    // The idle tab: the new prompt, then the answer being written, with Stop offered.
    await expect.poll(() => second.locator('.turn.user').count(), { timeout: 20_000 }).toBe(2)
    expect(await second.locator('.turn.user .body').last().textContent()).toBe(prompt)
    await expect.poll(() => finished(first), { timeout: 60_000 }).toBe(2)
    await expect.poll(() => finished(second), { timeout: 60_000 }).toBe(2)
    const lengths = await second.evaluate(() => (window as unknown as { lengths: number[] }).lengths)
    // It grew in many steps, each longer than the one before, to the whole answer.
    expect(lengths.length).toBeGreaterThan(5)
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b))
    expect(await answer(second).textContent()).toBe(await answer(first).textContent())
    expect(lengths.at(-1)).toBe((await answer(second).textContent())!.length)
    expect(await second.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    expect(await second.locator('.turn.user').count()).toBe(2)
    // The tab that sent it keeps what it showed live (its usage line): hearing of its own turn changes nothing there.
    expect(await first.locator('.turn.assistant').last().locator('.usage').count()).toBe(1)
    expect(await first.locator('.turn.user').count()).toBe(2)
    await first.close()
    await second.close()
  })

  it('an idle tab on a chat deleted in another tab says it is gone', async () => {
    const first = await open(visitor)
    const id = await sendPrompt(first, 'Delete me from elsewhere')
    await expect.poll(() => finished(first), { timeout: 30_000 }).toBe(1)
    const second = await open(visitor, `/?c=${id}`)
    await expect.poll(() => finished(second)).toBe(1)
    expect((await visitor.request.delete(`${edge.url}/api/conversations/${id}`)).status()).toBe(200)
    await second.locator('.notice.info').waitFor({ timeout: 20_000 })
    expect(await second.locator('.notice.info').textContent()).toMatch(/not here/)
    expect(await second.locator('.log .turn').count()).toBe(0)
    expect(chatIdOf(second)).toBeNull()
    await first.close()
    await second.close()
  })
})

describe('Stop', () => {
  it('ends the turn at the agent as cancelled; the partial answer stays and reads as stopped', async () => {
    const page = await open(visitor)
    const id = await sendPrompt(page, 'Stop me words:5000')
    await expect.poll(() => answer(page).textContent(), { timeout: 20_000 }).toContain('Offline model')
    expect(agentTurn(id)?.running).toBe(true)

    const stoppedAt = Date.now()
    await page.locator('button.stop').click()
    // Checked at the agent: its turn ended, and as a cancel.
    await expect.poll(() => agentTurn(id)?.running, { timeout: 10_000, interval: 10 }).toBe(false)
    console.log(`Stop click → the agent's turn ended: ${Date.now() - stoppedAt} ms`)
    expect(agentTurn(id)?.cancelled).toBe(true)
    const notice = page.locator('.notice.stopped')
    await notice.waitFor()
    expect(await notice.getAttribute('role')).toBe('status')
    expect(await page.locator('.turn.assistant .turn-note.stopped').count()).toBe(1)
    expect(await finished(page)).toBe(1)

    const view = await stored(visitor, id)
    expect(view.running).toBeNull()
    expect(view.messages[1].stopReason).toBe('cancelled')
    const partial = view.messages[1].text
    expect(composeAnswer({ prompt: 'Stop me words:5000', earlier: [] }).startsWith(partial)).toBe(true)
    expect(partial.length).toBeLessThan(composeAnswer({ prompt: 'Stop me words:5000', earlier: [] }).length)

    // After a reload the stopped answer is still there, still marked stopped.
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => finished(page)).toBe(1)
    expect(await page.locator('.turn.assistant .turn-note.stopped').count()).toBe(1)
    expect(await streaming(page)).toBe(0)
    await page.close()
  })

  it('leaving the page is not a stop: the answer runs on to its end', async () => {
    const page = await open(visitor)
    const prompt = 'Nobody is reading words:300'
    const id = await sendPrompt(page, prompt)
    await expect.poll(() => answer(page).textContent(), { timeout: 20_000 }).toContain('Offline model')
    await page.close()
    await expect.poll(async () => (await stored(visitor, id)).running, { timeout: 60_000 }).toBeNull()
    const view = await stored(visitor, id)
    expect(view.messages[1].stopReason).toBe('end_turn')
    expect(view.messages[1].text).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(agentTurn(id)?.cancelled).toBe(false)
  })
})

describe('a reopened answer', () => {
  it('shows its tool calls (name, status, input, result) after a reload and from the sidebar, as they were shown live', async () => {
    const page = await open(visitor)
    const prompt = 'What time is it in Tokyo?'
    const id = await sendPrompt(page, prompt)
    await expect.poll(() => finished(page), { timeout: 30_000 }).toBe(1)
    const calls = (p: Page) => p.locator('.turn.assistant .tool-calls')
    expect(await calls(page).locator('details.tool-call summary').textContent()).toBe('current_time Asia/Tokyo done')
    const live = await calls(page).evaluate((el) => el.outerHTML)

    // A reload: the stored answer comes back with the same tool box, markup and all.
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => finished(page)).toBe(1)
    expect(await calls(page).evaluate((el) => el.outerHTML)).toBe(live)
    const call = calls(page).locator('details.tool-call')
    expect(await call.getAttribute('data-status')).toBe('end')
    await call.locator('summary').click()
    const [input, result] = await call.locator('pre').allTextContents()
    expect(JSON.parse(input)).toEqual({ timeZone: 'Asia/Tokyo' })
    expect(JSON.parse(result)).toMatchObject({ timeZone: 'Asia/Tokyo', iso: expect.any(String) })

    // Opened from the sidebar of a new chat: the same again.
    await page.locator('nav.chats button.start-chat').click()
    expect(await page.locator('.log .turn').count()).toBe(0)
    await page.locator(`nav.chats a.open-chat[data-id="${id}"]`).click()
    await expect.poll(() => finished(page)).toBe(1)
    expect(await calls(page).evaluate((el) => el.outerHTML)).toBe(live)
    await page.close()
  })
})

describe('a reopened answer’s usage line', () => {
  /** The usage line's parts by kind (app/client/usage-view.ts), as shown. */
  const usage = (p: Page) =>
    p.locator('.turn.assistant .usage').last().evaluate((line) => Object.fromEntries([...line.querySelectorAll('span')].map((s) => [s.className.replace('usage-', ''), s.textContent])))

  it('shows first token, speed, tokens and cost after a reload and from the sidebar, as the live answer did; the edge time only live', async () => {
    const page = await open(visitor)
    const id = await sendPrompt(page, 'calculate 2^10')
    await expect.poll(() => finished(page), { timeout: 30_000 }).toBe(1)
    const live = await usage(page)
    expect(Object.keys(live)).toEqual(['ttft', 'speed', 'tokens', 'cost', 'edge'])

    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => finished(page)).toBe(1)
    const reopened = await usage(page)
    // The Worker's own time comes with the live response's Server-Timing header only.
    expect(Object.keys(reopened)).toEqual(['ttft', 'speed', 'tokens', 'cost'])
    expect(reopened.ttft).toMatch(/^first token \d+\.\d\d s$/)
    expect(reopened.speed).toMatch(/^[\d,.]+ tokens\/s$/)
    // The same usage event as live: tokens and cost read the same.
    expect(reopened.tokens).toBe(live.tokens)
    expect(reopened.cost).toBe(live.cost)

    await page.locator('nav.chats button.start-chat').click()
    await page.locator(`nav.chats a.open-chat[data-id="${id}"]`).click()
    await expect.poll(() => finished(page)).toBe(1)
    expect(await usage(page)).toEqual(reopened)
    await page.close()
  })

  it('an answer reloaded in the middle gets its whole line when it ends: first token, speed, tokens and cost', async () => {
    const page = await open(visitor)
    await sendPrompt(page, 'Tell me something long words:2000')
    await expect.poll(async () => (await answer(page).textContent())?.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(50)
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => finished(page), { timeout: 60_000 }).toBe(1)
    const line = await usage(page)
    expect(Object.keys(line)).toEqual(['ttft', 'speed', 'tokens', 'cost'])
    expect(line.tokens).toMatch(/^[\d,]+ in \/ [\d,]+ out tokens$/)
    await page.close()
  })
})

describe('the chats sidebar', () => {
  it('lists the chats after a reload, marks the open one, opens another, starts a new one and deletes one', async () => {
    const page = await open(visitor)
    const titles = () => page.locator('nav.chats .chat-title').allTextContents()
    // The chats of the tests above, newest first.
    await expect.poll(async () => (await titles()).length).toBeGreaterThanOrEqual(5)
    expect(await titles()).toEqual(expect.arrayContaining(['Nobody is reading words:300', 'Stop me words:5000', 'Two tabs, one answer words:2500']))
    expect(await page.locator('nav.chats [aria-current="page"]').count()).toBe(0)

    // Open one: its messages show, the address names it, the list marks it; a reload keeps it.
    const link = page.locator('nav.chats a.open-chat', { hasText: 'Two tabs, one answer' })
    const id = (await link.getAttribute('data-id'))!
    await link.click()
    await expect.poll(() => chatIdOf(page)).toBe(id)
    await expect.poll(() => finished(page)).toBe(1)
    expect(await page.locator('.turn.user .body').textContent()).toBe('Two tabs, one answer words:2500')
    expect(await link.getAttribute('aria-current')).toBe('page')
    await page.reload()
    await page.waitForSelector('form.composer[data-ready="true"]')
    await expect.poll(() => finished(page)).toBe(1)
    expect(await page.locator('nav.chats a.open-chat[aria-current="page"]').getAttribute('data-id')).toBe(id)

    // A second turn in the reopened chat continues it (the agent recalls the first prompt).
    await page.locator('#prompt').fill('And one more thing')
    await page.locator('#prompt').press('Enter')
    await expect.poll(() => finished(page), { timeout: 30_000 }).toBe(2)
    expect(await answer(page).textContent()).toContain('Earlier you asked: “Two tabs, one answer words:2500”')

    // New chat: empty, nothing marked, the address names no chat.
    await page.locator('nav.chats button.start-chat').click()
    expect(await page.locator('.log .turn').count()).toBe(0)
    expect(chatIdOf(page)).toBeNull()
    expect(await page.locator('nav.chats [aria-current="page"]').count()).toBe(0)

    // Delete one, after confirming: gone from the list and from the server.
    const before = (await titles()).length
    const victim = page.locator('nav.chats li.chat-item', { hasText: 'Nobody is reading' })
    const victimId = (await victim.locator('a.open-chat').getAttribute('data-id'))!
    const del = victim.locator('button.delete-chat')
    expect(await del.getAttribute('aria-label')).toBe('Delete “Nobody is reading words:300”')
    page.once('dialog', (d) => void d.dismiss())
    await del.click()
    expect((await titles()).length).toBe(before)
    page.once('dialog', (d) => void d.accept())
    await del.click()
    await expect.poll(async () => (await titles()).length).toBe(before - 1)
    expect(await titles()).not.toContain('Nobody is reading words:300')
    expect((await visitor.request.get(`${edge.url}/api/conversations/${victimId}`)).status()).toBe(404)
    await page.close()
  })

  it('is a drawer on a phone screen, opened and closed by a named button', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, storageState: await visitor.storageState() })
    const page = watch(await context.newPage())
    await page.goto(edge.url)
    await page.waitForSelector('form.composer[data-ready="true"]')
    const toggle = page.getByRole('button', { name: 'Chats' })
    expect(await page.locator('nav.chats').isVisible()).toBe(false)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    expect(await page.locator('nav.chats').isVisible()).toBe(true)
    await expect.poll(() => page.locator('nav.chats a.open-chat').count()).toBeGreaterThan(0)
    await page.locator('nav.chats a.open-chat').first().click()
    // Opening a chat closes the drawer.
    expect(await page.locator('nav.chats').isVisible()).toBe(false)
    await expect.poll(() => page.locator('.turn.user').count()).toBeGreaterThan(0)
    await toggle.click()
    await page.keyboard.press('Escape')
    expect(await page.locator('nav.chats').isVisible()).toBe(false)
    await context.close()
  })

  it("a second visitor (another cookie) sees none of the first one's chats, and cannot open one", async () => {
    const ids = ((await (await visitor.request.get(`${edge.url}/api/conversations`)).json()) as { conversations: Array<{ id: string }> }).conversations.map((c) => c.id)
    expect(ids.length).toBeGreaterThan(0)
    const other = await browser.newContext({ locale: 'en-US' })
    const page = await open(other)
    await expect.poll(() => page.locator('nav.chats .chat-list-empty').textContent()).toBe('No chats yet.')
    expect(await page.locator('nav.chats li').count()).toBe(0)
    expect(((await (await other.request.get(`${edge.url}/api/conversations`)).json()) as { conversations: unknown[] }).conversations).toEqual([])

    // The first visitor's chat by its address: not found, nothing shown.
    await page.goto(`${edge.url}/?c=${ids[0]}`)
    await page.waitForSelector('form.composer[data-ready="true"]')
    await page.locator('.notice.info').waitFor()
    expect(await page.locator('.notice.info').textContent()).toMatch(/not here/)
    expect(await page.locator('.log .turn').count()).toBe(0)
    expect(chatIdOf(page)).toBeNull()
    await other.close()
  })
})

it('ran with no page errors', () => {
  expect(problems).toEqual([])
})
