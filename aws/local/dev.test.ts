/**
 * `npm run dev` as a user runs it: the process starts the local cloud and the Vite dev server, prints
 * the URL, and on Ctrl-C (SIGINT) stops every child; a busy port stops the start with a clear message.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv } from 'node:util'
import { AwsClient } from 'aws4fetch'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { ensureCookieSecret, planDevVars } from './dev-vars'
import { freePort } from '../../test-support/free-port'
import { assertPortFree, close, listen } from './listen'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'dev-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))


function startDev(env: Record<string, string>, args: string[] = []) {
  // tsx as a loader, not its CLI: the CLI is a parent process that relays a signal sent to it alone, and
  // SIGKILLs the child (exit 130) when the child's acknowledgement takes over 30 ms, as it can on a
  // loaded machine. A terminal's Ctrl-C reaches dev.ts itself; so does this test's SIGINT.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'aws/local/dev.ts'), ...args], {
    cwd: ROOT,
    // Without vitest's NODE_ENV=test, as a user runs it: Vite's dependency cache (node_modules/.vite)
    // keys on NODE_ENV, and a start that finds it made under another re-optimizes while the
    // Cloudflare plugin loads the Worker, which can fail that start.
    env: { ...process.env, NODE_ENV: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  child.stderr.on('data', (c) => (out += c))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  // Until the output holds `text`; a child that exits first fails at once.
  const waitFor = (text: string, timeout: number) =>
    Promise.race([
      vi.waitFor(() => expect(out, `no "${text}" in the output`).toContain(text), { timeout, interval: 100 }),
      exited.then((code) => Promise.reject(new Error(`exited (${code}) before printing "${text}":\n${out}`))),
    ])
  return { child, exited, waitFor, output: () => out }
}

/** The pid listening on a local TCP port (Linux: ss; this test's own dev servers only). */
function listenerPid(port: number): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' })
  return Number(/pid=(\d+)/.exec(out)?.[1] ?? 0)
}

/** Running, that is: neither gone nor a zombie (a container's init may not reap orphans). */
function alive(pid: number): boolean {
  try {
    return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim())
  } catch {
    return false // ps exits 1: no such process
  }
}

const waitForPortFree = (port: number) => vi.waitFor(() => assertPortFree(port, 'after the kill'), { timeout: 15_000, interval: 200 })

describe('npm run dev', () => {
  it('starts everything, writes .dev.vars when absent, prints the URL, and stops every child on Ctrl-C', async () => {
    const [web, api, agentCore, agent] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
    const devVars = join(dir, '.dev.vars')
    const dev = startDev({
      LOCAL_DEV_VARS_PATH: devVars,
      DEV_PORT: String(web),
      LOCAL_API_PORT: String(api),
      LOCAL_AGENTCORE_PORT: String(agentCore),
      LOCAL_AGENT_PORT: String(agent),
      LOCAL_LAMBDA_CONCURRENCY: '7',
      AGENT_MAX_TOKENS: '3',
    })
    try {
      await dev.waitFor('Ctrl-C stops everything', 90_000)
      expect(dev.output()).toContain(`Open http://127.0.0.1:${web}/`)
      expect(dev.output()).toContain(`POST http://127.0.0.1:${api}/v1/invoke`)
      expect(readFileSync(devVars, 'utf8')).toContain(`UPSTREAM_URL=http://127.0.0.1:${api}/v1/invoke\n`)
      expect((await fetch(`http://127.0.0.1:${web}/`)).status).toBe(200)
      // The local API Gateway answers a request signed with the AWS keys and carrying the API key
      // written to the file, as the Worker sends it.
      const vars = parseEnv(readFileSync(devVars, 'utf8'))
      const aws = new AwsClient({
        accessKeyId: vars.UPSTREAM_AWS_ACCESS_KEY_ID!,
        secretAccessKey: vars.UPSTREAM_AWS_SECRET_ACCESS_KEY!,
        region: vars.UPSTREAM_AWS_REGION,
        service: 'execute-api',
        retries: 0,
      })
      const res = await aws.fetch(`http://127.0.0.1:${api}/v1/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': vars.UPSTREAM_API_KEY! },
        body: JSON.stringify({ prompt: 'hi', sessionId: 'd'.repeat(40) }),
      })
      expect(res.status).toBe(200)
      await res.body?.cancel()
      // The page's own path: the Worker under the Vite dev server (its vars from this run's file, as
      // vite.config.ts reads them) → the local cloud. Under vite the raw request is
      // @hono/node-server's stand-in, which the body's receiver must accept (a POST was once a 500 here).
      // AGENT_MAX_TOKENS reached the agent: the answer stops at 3 tokens.
      const answer = await fetch(`http://127.0.0.1:${web}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'hi' }),
      })
      expect(answer.status).toBe(200)
      const text = await answer.text()
      expect(text).toContain('event: text\n')
      expect(text.trimEnd().endsWith('event: done\ndata: {"stopReason":"max_tokens"}')).toBe(true)
      expect(dev.output()).toContain('up to 7 at once (LOCAL_LAMBDA_CONCURRENCY)')
    } finally {
      dev.child.kill('SIGINT')
    }
    expect(await dev.exited).toBe(0)
    expect(dev.output()).toContain('stopped.')
    // Every server is gone: its ports can be bound again.
    for (const port of [web, api, agentCore, agent]) await assertPortFree(port, 'after Ctrl-C')
  }, 180_000)

  // Whichever piece dies first, nothing is left running and every port is free again.
  for (const victim of ['the web server', 'npm run dev itself'] as const) {
    it(`stops everything when ${victim} is killed (SIGKILL), and frees the ports`, async () => {
      const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()])
      const [web, api, agentCore, agent] = ports
      const dev = startDev({
        LOCAL_DEV_VARS_PATH: join(dir, `kill-${ports[0]}.dev.vars`),
        DEV_PORT: String(web),
        LOCAL_API_PORT: String(api),
        LOCAL_AGENTCORE_PORT: String(agentCore),
        LOCAL_AGENT_PORT: String(agent),
      })
      try {
        await dev.waitFor('Ctrl-C stops everything', 90_000)
        const webPid = listenerPid(web)
        expect(webPid).toBeGreaterThan(0)
        if (victim === 'the web server') {
          process.kill(webPid, 'SIGKILL')
          expect(await dev.exited).toBe(1)
          expect(dev.output()).toMatch(/vite exited \(code 1\): stopping…/)
        } else {
          dev.child.kill('SIGKILL')
          await dev.exited
        }
        // The reaper (aws/local/reaper.ts) or the shutdown ended the rest: wait for the ports.
        for (const port of ports) await waitForPortFree(port)
        // Then the process: on the reaper's SIGTERM vite closes its port before its environments
        // (workerd) and only then exits (vite's closeServerAndExit), and the reaper's SIGKILL follows
        // after its grace; so a free port does not yet mean a gone process.
        await vi.waitFor(() => expect(alive(webPid), `the web server (pid ${webPid}) still runs`).toBe(false), { timeout: 15_000, interval: 200 })
      } finally {
        dev.child.kill('SIGKILL')
      }
    }, 180_000)
  }

  it('honours a changed LOCAL_API_PORT when .dev.vars exists from an earlier run on another port, and the app reads that file', async () => {
    const [web, earlier, api, agentCore, agent] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()])
    const devVars = join(dir, 'earlier.dev.vars')
    // The file an earlier run wrote, for its port.
    planDevVars(devVars, `http://127.0.0.1:${earlier}/v1/invoke`)
    ensureCookieSecret(devVars)
    const before = readFileSync(devVars, 'utf8')
    const dev = startDev({
      LOCAL_DEV_VARS_PATH: devVars,
      DEV_PORT: String(web),
      LOCAL_API_PORT: String(api),
      LOCAL_AGENTCORE_PORT: String(agentCore),
      LOCAL_AGENT_PORT: String(agent),
    })
    try {
      await dev.waitFor('Ctrl-C stops everything', 90_000)
      expect(dev.output()).toContain(`POST http://127.0.0.1:${api}/v1/invoke`)
      // A chat through the dev server: the Worker signs with the file's keys and calls this run's port.
      const res = await fetch(`http://127.0.0.1:${web}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'hi' }),
      })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toContain('event: done')
      expect(text).not.toContain('event: error')
      expect(readFileSync(devVars, 'utf8')).toBe(before)
    } finally {
      dev.child.kill('SIGINT')
    }
    expect(await dev.exited).toBe(0)
    await assertPortFree(earlier, 'the earlier run\'s port stays unused')
    // The start alone may take most of a minute on a loaded two-core machine (waitFor allows 90 s).
  }, 150_000)

  const upstreams: Array<{
    kind: string
    title: string
    vars: string
    prompt: string
    banner: string
    /** What else the start prints for this path (its endpoint line), if anything. */
    endpoint?: RegExp
    /** Assertions on the streamed answer beyond its status and `event: done`. */
    checkAnswer: (text: string) => void
    /** The log line that shows which emulator served it (logged once the invocation has ended). */
    logLine: RegExp
  }> = [
    {
      kind: 'invoke-stream',
      title: 'runs the chat over Lambda’s InvokeWithResponseStream and says so at start',
      vars: 'upstream.dev.vars',
      prompt: 'over the Lambda API',
      banner: "streaming path: invoke-stream — Lambda's InvokeWithResponseStream API",
      checkAnswer: (text) => expect(text).not.toContain('event: error'),
      // The Lambda API emulator served it, not API Gateway (it logs the invocation once it has ended,
      // which can be just after the client read the last byte).
      logLine: /\[lambda-api\] InvokeWithResponseStream edge-agent-chat-proxy \S+ ok/,
    },
    {
      kind: 'websocket',
      title: 'runs the chat over the WebSocket API emulator and says so at start',
      vars: 'websocket.dev.vars',
      prompt: 'over the WebSocket API',
      banner: 'streaming path: websocket — API Gateway WebSocket API → Lambda posting to the connection',
      endpoint: /websocket {4}ws:\/\/127\.0\.0\.1:\d+\/v1 {3}@connections http:\/\/127\.0\.0\.1:\d+\/v1/,
      checkAnswer: (text) => expect(text).not.toContain('event: error'),
      // The WebSocket function answered through the emulator's @connections (its end-of-answer log line).
      logLine: /"msg":"posts","fn":"edge-agent-chat-websocket"/,
    },
    {
      kind: 'lambda-agent',
      title: 'runs the chat against the agent inside the Lambda (no AgentCore) and says so at start',
      vars: 'lambda-agent.dev.vars',
      prompt: 'inside the Lambda',
      banner: 'streaming path: lambda-agent — API Gateway REST API → the agent inside a streaming Lambda (no AgentCore)',
      endpoint: /lambda-agent POST http:\/\/127\.0\.0\.1:\d+\/v1\/invoke/,
      checkAnswer: (text) => {
        const answer = [...text.matchAll(/^event: text\ndata: (.*)$/gm)].map((m) => (JSON.parse(m[1]) as { text: string }).text).join('')
        expect(answer).toContain('Offline model')
        expect(answer).toContain('inside the Lambda')
      },
      // The agent-in-Lambda function answered (its own log line names it).
      logLine: /\[lambda-agent\] \[lambda\] .*"msg":"invoke_end".*"fn":"edge-agent-chat-lambda-agent"|\[lambda-agent\] \[lambda\] .*"fn":"edge-agent-chat-lambda-agent".*"msg":"invoke_end"/,
    },
  ]
  for (const u of upstreams) {
    it(`--upstream ${u.kind} ${u.title}`, async () => {
      const [web, api, agentCore, agent] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
      const dev = startDev(
        { LOCAL_DEV_VARS_PATH: join(dir, u.vars), DEV_PORT: String(web), LOCAL_API_PORT: String(api), LOCAL_AGENTCORE_PORT: String(agentCore), LOCAL_AGENT_PORT: String(agent) },
        ['--upstream', u.kind],
      )
      try {
        await dev.waitFor('Ctrl-C stops everything', 90_000)
        expect(dev.output()).toContain(u.banner)
        if (u.endpoint) expect(dev.output()).toMatch(u.endpoint)
        const res = await fetch(`http://127.0.0.1:${web}/api/invoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: u.prompt }),
        })
        expect(res.status).toBe(200)
        const text = await res.text()
        u.checkAnswer(text)
        expect(text).toContain('event: done')
        await expect.poll(() => dev.output(), { timeout: 10_000 }).toMatch(u.logLine)
      } finally {
        dev.child.kill('SIGINT')
      }
      expect(await dev.exited).toBe(0)
    }, 150_000)
  }

  it('refuses an unknown --upstream with the list of paths', async () => {
    const dev = startDev({ LOCAL_DEV_VARS_PATH: join(dir, 'unknown.dev.vars') }, ['--upstream', 'carrier-pigeon'])
    expect(await dev.exited).toBe(1)
    expect(dev.output()).toContain('--upstream must be one of rest, function-url, invoke-stream, websocket, lambda-agent, got "carrier-pigeon"')
  })

  it('stops with a message naming a busy port', async () => {
    const busy = createServer()
    const port = await listen(busy, 0, 'busy')
    const [web, api, agent] = await Promise.all([freePort(), freePort(), freePort()])
    try {
      const dev = startDev({
        LOCAL_DEV_VARS_PATH: join(dir, 'busy.dev.vars'),
        DEV_PORT: String(web),
        LOCAL_API_PORT: String(api),
        LOCAL_AGENTCORE_PORT: String(port),
        LOCAL_AGENT_PORT: String(agent),
      })
      expect(await dev.exited).toBe(1)
      expect(dev.output()).toContain(`Port ${port} (AgentCore emulator) is already in use`)
      expect(existsSync(join(dir, 'busy.dev.vars'))).toBe(true)
    } finally {
      await close(busy)
    }
  })
})
