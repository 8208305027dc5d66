/**
 * `npm run dev -- --agent python` as a user runs it (issue 15): the start says which agent runs and with
 * which framework versions, the page's own path (the Worker under the Vite dev server → the local
 * cloud) answers from aws/agent-python/agent.py, and Ctrl-C stops the Python agent's process too. The
 * TypeScript default is aws/local/dev.test.ts's.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createParser } from 'eventsource-parser'
import { afterAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../agent/offline-answer'
import { freePort } from '../../test-support/free-port'
import { assertPortFree } from './listen'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'dev-python-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
// The versions the fixtures were recorded with are the lock's (aws/lambda/python-fixtures.test.ts checks that).
const locked = JSON.parse(readFileSync(join(ROOT, 'aws/lambda/fixtures/python-bedrock-agentcore/manifest.json'), 'utf8')) as { versions: Record<string, string> }


function startDev(env: Record<string, string>, args: string[]) {
  // tsx as a loader, not its CLI (aws/local/dev.test.ts says why).
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'aws/local/dev.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  child.stderr.on('data', (c) => (out += c))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const waitFor = async (text: string, ms: number) => {
    const end = Date.now() + ms
    while (!out.includes(text)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`no "${text}" in:\n${out}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { child, exited, waitFor, output: () => out }
}

/** The command line of the process listening on a local TCP port (Linux: ss, ps). */
function listenerCommand(port: number): string {
  const pid = /pid=(\d+)/.exec(execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' }))?.[1]
  return pid ? execFileSync('ps', ['-o', 'args=', '-p', pid], { encoding: 'utf8' }).trim() : ''
}

describe('npm run dev -- --agent python', () => {
  it('says which agent it starts, answers the page from the Python agent, and stops it on Ctrl-C', async () => {
    const [web, api, agentCore, agent] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
    const dev = startDev(
      {
        LOCAL_DEV_VARS_PATH: join(dir, '.dev.vars'),
        DEV_PORT: String(web),
        LOCAL_API_PORT: String(api),
        LOCAL_AGENTCORE_PORT: String(agentCore),
        LOCAL_AGENT_PORT: String(agent),
        OFFLINE_FIRST_TOKEN_MS: '0',
        OFFLINE_TOKENS_PER_SECOND: '500',
      },
      ['--agent', 'python'],
    )
    try {
      await dev.waitFor('Ctrl-C stops everything', 150_000)
      expect(dev.output()).toContain('starting the local cloud (Python agent (aws/agent-python) on the offline model')
      expect(dev.output()).toContain(
        `agent        http://127.0.0.1:${agent}   Python agent (aws/agent-python), offline model — bedrock-agentcore ${locked.versions['bedrock-agentcore']}, strands-agents ${locked.versions['strands-agents']}`,
      )
      // The agent's port is served by the venv's Python running agent.py, not by this Node process.
      expect(listenerCommand(agent)).toMatch(/agent-python\/\.venv\/bin\/python agent\.py$/)
      expect(await (await fetch(`http://127.0.0.1:${agent}/ping`)).json()).toMatchObject({ status: 'Healthy' })

      const prompt = 'Hello from the page 日本語 🎉'
      const res = await fetch(`http://127.0.0.1:${web}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt }),
      })
      expect(res.status).toBe(200)
      const events: Array<{ type: string; data: { text?: string; stopReason?: string } }> = []
      createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(await res.text())
      const answer = events.flatMap((e) => (e.type === 'text' ? [e.data.text] : [])).join('')
      expect(answer).toBe(composeAnswer({ prompt, earlier: [] }))
      expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    } finally {
      dev.child.kill('SIGINT')
    }
    expect(await dev.exited).toBe(0)
    expect(dev.output()).toContain('stopped.')
    for (const port of [web, api, agentCore, agent]) await assertPortFree(port, 'after Ctrl-C')
  }, 240_000)

  it('refuses an agent it does not have', async () => {
    const dev = startDev({ LOCAL_DEV_VARS_PATH: join(dir, 'unknown.dev.vars') }, ['--agent', 'java'])
    expect(await dev.exited).toBe(1)
    expect(dev.output()).toContain('--agent must be typescript or python, got "java"')
  })
})
