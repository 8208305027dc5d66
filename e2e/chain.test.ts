/**
 * The whole chain on this machine, every hop the project's real code, over every streaming path
 * (protocol/upstream-kinds.ts): Chromium → the built Worker (workerd via wrangler) → the path's
 * emulator (API Gateway REST, Lambda's API, ...) → the Lambda bundle under aws-lambda-ric → AgentCore
 * emulator → the agent on the offline model; on `lambda-agent`, a REST API of its own → the agent
 * inside the Lambda (aws/lambda-agent). The same suite runs over each path: the browser must not
 * be able to tell them apart. CHAIN_KINDS=rest,invoke-stream picks some. CHAIN_AGENT=python puts the
 * Python agent (aws/agent-python) behind AgentCore instead of the TypeScript one (`npm run test:python`
 * runs the suite so; lambda-agent, which has no AgentCore, is left out then).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { BUSY_SESSION_MODES, DEFAULT_BEHAVIOUR } from '../aws/local/agentcore/behaviour'
import type { UpstreamKind } from '../protocol/upstream-kinds'
import type { RunningAgent } from '../aws/agent/app'
import { startLocalCloud, type LocalCloud } from '../aws/local/cloud'
import type { RunningPythonAgent } from '../aws/local/python/agent'
import { LOCAL_PATHS, workerVarsFor } from '../aws/local/worker-vars'
import { launchBrowser } from './browser'
import { growth, openChat } from './chat-page'
import { buildEdgeApp, startEdge } from './edge-server'

type Edge = Awaited<ReturnType<typeof startEdge>>
const AGENT = process.env.CHAIN_AGENT === 'python' ? 'python' : 'typescript'
const KINDS: readonly UpstreamKind[] = (
  process.env.CHAIN_KINDS ? LOCAL_PATHS.filter((k) => process.env.CHAIN_KINDS!.split(',').includes(k)) : LOCAL_PATHS
).filter((k) => AGENT === 'typescript' || k !== 'lambda-agent')

let cloud: LocalCloud<RunningAgent | RunningPythonAgent>
let browser: Browser
const problems: string[] = []

beforeAll(async () => {
  // CHAIN_LOG=1 prints the local cloud's log lines (API Gateway, Lambda, AgentCore) while debugging.
  cloud = await startLocalCloud({
    agentRuntime: AGENT,
    // The offline model's default first-token delay (300 ms), three times its default pace to keep
    // the suite short; answers still arrive in many steps.
    agent: { offline: { firstTokenMs: 300, tokensPerSecond: 120 } },
    lambdaAgent: KINDS.includes('lambda-agent'),
    ...(process.env.CHAIN_LOG ? { log: (source: string, line: string) => console.log(`[${source}] ${line}`) } : {}),
  })
  await buildEdgeApp()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await cloud?.stop()
})

function post(edge: Edge, path: string, body: BodyInit, contentType?: string) {
  return fetch(edge.url + path, {
    method: 'POST',
    headers: { accept: 'text/event-stream', ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  })
}

const answerText = (page: Page) => page.locator('.turn.assistant .answer').last().textContent()
const finishedAnswers = (page: Page) => page.locator('.turn.assistant:not(.streaming)').count()

/** The answer's text: the `text` events' data joined. */
function answerOf(sse: string): string {
  return sse
    .split('\n\n')
    // A block may start with its resume cursor (`id: N`, the conversation's event number).
    .map((block) => block.replace(/^id: [^\n]*\n/, ''))
    .filter((block) => block.startsWith('event: text\n'))
    .map((block) => (JSON.parse(block.slice(block.indexOf('\ndata: ') + 7)) as { text: string }).text)
    .join('')
}

/** Reads a streamed response and records each read, so a test can tell streamed from buffered. */
async function readAll(res: Response): Promise<{ text: string; reads: string[] }> {
  const reader = res.body!.getReader()
  const reads: string[] = []
  const dec = new TextDecoder()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    reads.push(dec.decode(value, { stream: true }))
  }
  return { text: reads.join(''), reads }
}

/**
 * Whether the agent is still running the session's turn: the TypeScript agent's own sessions, or the
 * Python agent's GET /ping (HealthyBusy while a turn runs; one turn at a time in these tests).
 */
async function turnRunning(sessionId: string): Promise<boolean> {
  if ('sessions' in cloud.agent) return cloud.agent.sessions.peek(sessionId)?.turn?.running ?? false
  const ping = (await (await fetch(`${cloud.agentUrl}/ping`)).json()) as { status: string }
  return ping.status === 'HealthyBusy'
}

/** The agent-in-Lambda's log lines (JSON) about one session: `invoke_start`, `client_gone`, `invoke_end`. */
function lambdaAgentLog(sessionId: string): Array<Record<string, unknown>> {
  return cloud
    .lambdaAgent!.logs.flatMap((line) => {
      try {
        return [JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>]
      } catch {
        return []
      }
    })
    .filter((l) => l.sessionId === sessionId)
}

/**
 * Stop on `lambda-agent`: the agent runs inside the Lambda invocation that answers, and the Worker
 * stops it by closing that stream (app/server/upstream/lambda-agent.ts); the function's log says
 * that its agent loop ended cancelled, early.
 */
async function stopReachesLambdaAgent(page: Page): Promise<void> {
  const before = new Set(cloud.lambdaAgent!.logs)
  await page.locator('#prompt').fill('Tell me everything words:3000')
  await page.locator('#prompt').press('Enter')
  await expect.poll(() => answerText(page), { timeout: 20_000 }).toContain('Offline model')
  const start = cloud.lambdaAgent!.logs.filter((l) => !before.has(l) && l.includes('"invoke_start"')).at(-1)
  expect(start).toBeDefined()
  const sessionId = String(JSON.parse(start!.slice(start!.indexOf('{'))).sessionId)
  expect(lambdaAgentLog(sessionId).some((l) => l.msg === 'invoke_end')).toBe(false)

  await page.locator('button.stop').click()
  await expect.poll(() => lambdaAgentLog(sessionId).find((l) => l.msg === 'invoke_end'), { timeout: 10_000 }).toMatchObject({ stopReason: 'cancelled', cancelled: true })
  expect(lambdaAgentLog(sessionId).some((l) => l.msg === 'client_gone')).toBe(true)
  expect((await answerText(page))!.split(/\s+/).length).toBeLessThan(3000)
}

/** A Worker whose path is broken the way a deployment breaks: credentials the upstream refuses. */
function brokenVars(kind: UpstreamKind): Record<string, string> {
  const vars = workerVarsFor(cloud, kind)
  if ('UPSTREAM_API_KEY' in vars) return { ...vars, UPSTREAM_API_KEY: 'not-the-key' }
  return { ...vars, UPSTREAM_AWS_SECRET_ACCESS_KEY: 'not-the-secret' }
}

for (const kind of KINDS) {
  describe(`the full local chain in Chromium over ${kind}`, () => {
    let edge: Edge
    const open = () => openChat(browser, edge.url, problems)

    beforeAll(async () => {
      edge = await startEdge(workerVarsFor(cloud, kind))
      // One request through every hop first, so the figures below are for a warm chain.
      await (await post(edge, '/api/invoke', JSON.stringify({ prompt: 'warm up' }), 'application/json')).text()
    })
    afterAll(() => edge?.stop())

    it('grows the answer on the page in steps', async () => {
      const page = await open()
      await page.locator('#prompt').fill('How do streams work?')
      // Enter sends without a form submit event: the page's own clock, just before the key.
      const sent = await page.evaluate(() => performance.now())
      await page.locator('#prompt').press('Enter')
      await expect.poll(() => finishedAnswers(page), { timeout: 30_000 }).toBe(1)
      const steps = await growth(page)
      expect(steps.length).toBeGreaterThanOrEqual(5)
      // Markdown re-renders as it completes (a `**` becomes bold), so compare lengths, not prefixes.
      expect(steps.at(-1)!.text.length).toBeGreaterThan(steps[0].text.length)
      expect(steps.at(-1)!.text).toContain('Offline model')
      // A figure for the log, not a test: timing targets live in bench/.
      console.log(`chain over ${kind}: first text on the page ${(steps[0].t - sent).toFixed(0)} ms after sending; ${steps.length} visible steps`)
      await page.close()
    })

    it('answers a second turn of the same chat with the first in its context', async () => {
      const page = await open()
      await page.locator('#prompt').fill('First question about rivers')
      await page.locator('#prompt').press('Enter')
      await expect.poll(() => finishedAnswers(page), { timeout: 30_000 }).toBe(1)
      await page.locator('#prompt').fill('And a second one about lakes')
      await page.locator('#prompt').press('Enter')
      await expect.poll(() => finishedAnswers(page), { timeout: 30_000 }).toBe(2)
      // The agent's offline model recalls the previous prompt of the session it keeps.
      expect(await answerText(page)).toContain('Earlier you asked: “First question about rivers” — this is turn 2')
      await page.close()
    })

    // Under each value of the AgentCore emulator's busy-session switch (aws/local/agentcore/behaviour.ts):
    // the Stop must reach the agent whether AgentCore runs the cancel invocation beside the answer,
    // queues it behind it (the cancel function then stops the session) or refuses it. The Python
    // agent runs under the default only.
    // lambda-agent has no AgentCore: its agent runs inside the Lambda, and Stop closes the stream.
    if (kind === 'lambda-agent') {
      it('Stop halts the agent inside the Lambda: its loop ends cancelled, checked in the function’s log', async () => {
        const page = await open()
        await stopReachesLambdaAgent(page)
        await page.close()
      })
    }
    for (const busySession of kind === 'lambda-agent' ? [] : AGENT === 'typescript' ? BUSY_SESSION_MODES : (['run'] as const)) {
      it(`Stop halts the agent: its turn ends cancelled, checked at the agent (AgentCore busySession=${busySession})`, async () => {
        cloud.agentCore.behaviour.busySession = busySession
        onTestFinished(() => void (cloud.agentCore.behaviour.busySession = DEFAULT_BEHAVIOUR.busySession))
        const page = await open()
        const before = cloud.agentCore.events.length
        await page.locator('#prompt').fill('Tell me everything words:3000')
        await page.locator('#prompt').press('Enter')
        await expect.poll(() => answerText(page), { timeout: 20_000 }).toContain('Offline model')
        const invoke = cloud.agentCore.events.slice(before).find((e) => e.type === 'invoke')
        expect(invoke).toBeDefined()
        const sessionId = invoke!.sessionId
        expect(await turnRunning(sessionId)).toBe(true)

        // Held before the Stop: after StopRuntimeSession (queue, reject) the agent forgets the session.
        const turn = 'sessions' in cloud.agent ? cloud.agent.sessions.peek(sessionId)?.turn : undefined
        await page.locator('button.stop').click()
        if (turn) await expect.poll(() => turn.cancelled, { timeout: 10_000 }).toBe(true)
        else await expect.poll(() => turnRunning(sessionId), { timeout: 10_000 }).toBe(false)
        // The agent's invocation ended early, and the answer on the page stopped short of the end.
        await expect.poll(() => cloud.agentCore.events.slice(before).some((e) => e.type === 'invoke-end' && e.sessionId === sessionId)).toBe(true)
        expect((await answerText(page))!.split(/\s+/).length).toBeLessThan(3000)
        await page.close()
      })
    }

    it('keeps Japanese and emoji intact through every hop', async () => {
      const prompt = '日本語のストリーミング 🌊🚀 は 👨‍👩‍👧 も壊れない？'
      const page = await open()
      await page.locator('#prompt').fill(prompt)
      await page.locator('#prompt').press('Enter')
      await expect.poll(() => finishedAnswers(page), { timeout: 30_000 }).toBe(1)
      // The offline model quotes the prompt: any byte split wrongly on the way shows as U+FFFD.
      const text = (await answerText(page))!
      expect(text).toContain(prompt)
      expect(text).not.toContain('\uFFFD')
      await page.close()
    })

    it('an upstream failure is a clear error on the page, not a hang or a blank answer', async () => {
      const broken = await startEdge(brokenVars(kind))
      // The failed request's console line is provoked on purpose.
      const page = await openChat(browser, broken.url, problems, (m) => /Failed to load resource/.test(m.text()))
      try {
        await page.locator('#prompt').fill('hello')
        await page.locator('#prompt').press('Enter')
        // Errors show as an alert above the composer (app/client/notices).
        const error = page.locator('.notice.error')
        await error.waitFor({ timeout: 20_000 })
        expect(await error.textContent()).toMatch(/agent service/i)
      } finally {
        await page.close()
        await broken.stop()
      }
    })
  })
}

describe('direct POST /api/invoke through the chain (REST)', () => {
  let edge: Edge
  beforeAll(async () => {
    edge = await startEdge(workerVarsFor(cloud, 'rest'))
  })
  afterAll(() => edge?.stop())

  it('streams with a JSON body', async () => {
    const res = await post(edge, '/api/invoke', JSON.stringify({ prompt: 'json prompt words:120' }), 'application/json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const { text, reads } = await readAll(res)
    expect(text).toMatch(/^(id: \d+\n)?event: meta\n/)
    expect(answerOf(text)).toContain('> json prompt words:120')
    expect(text.slice(-300)).toMatch(/event: done\ndata: \{"stopReason":"end_turn"[^\n]*\}\n\n$/)
    // Streamed, not buffered: text arrived over many reads before the end.
    expect(reads.filter((r) => r.includes('event: text')).length).toBeGreaterThan(3)
  })

  it('streams with a form body (urlencoded and multipart)', async () => {
    for (const body of [new URLSearchParams({ prompt: 'form prompt words:120' }), (() => {
      const f = new FormData()
      f.set('prompt', 'multipart prompt words:120')
      return f
    })()]) {
      const res = await post(edge, '/api/invoke', body)
      expect(res.status).toBe(200)
      const { text, reads } = await readAll(res)
      expect(answerOf(text)).toContain(body instanceof FormData ? '> multipart prompt' : '> form prompt')
      expect(text.slice(-200)).toContain('event: done\ndata: {"stopReason":"end_turn"}')
      expect(reads.filter((r) => r.includes('event: text')).length).toBeGreaterThan(3)
    }
  })

  it('gives the Worker clear upstream-auth error when its API key or its AWS secret is wrong', async () => {
    for (const vars of [
      { ...workerVarsFor(cloud, 'rest'), UPSTREAM_API_KEY: 'not-the-key' },
      { ...workerVarsFor(cloud, 'rest'), UPSTREAM_AWS_SECRET_ACCESS_KEY: 'not-the-secret' },
    ]) {
      await expectUpstreamAuth(vars)
    }
  })

  async function expectUpstreamAuth(vars: Record<string, string>): Promise<void> {
    const wrong = await startEdge(vars)
    try {
      const res = await fetch(wrong.url + '/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'hello' }),
      })
      expect(res.status).toBe(502)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('upstream_auth')
      expect(body.error.message).toMatch(/credentials/)
    } finally {
      await wrong.stop()
    }
  }

  it('ran with no page errors', () => {
    expect(problems).toEqual([])
  })
})
