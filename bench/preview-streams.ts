/**
 * `npm run bench:preview`: does `npm run preview` (aws/local/dev.ts --preview: the build under
 * `wrangler dev`, wrangler's proxy in front of workerd) hold N parallel streams? Starts the real
 * command on the load block's ports, its Worker pointed (through a vars file of its own,
 * LOCAL_DEV_VARS_PATH) at the synthetic upstream answering as the offline model (bench/upstream.ts),
 * so the check loads wrangler's proxy and the Worker, not N Lambda processes; sends N chats at once,
 * each a new conversation, and checks every answer byte for byte (bench/suites/load.ts's rules).
 * Then stops the preview (SIGTERM to its process group, as Ctrl-C) and says whether its ports are free.
 * Options: --streams=200, --bursts=2, --nofile=<n> (run the preview under `ulimit -n <n>`: 1024 is many
 * Linux logins' soft limit, 256 macOS's). Bounded: every chat times out after 120 s.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { composeAnswer } from '../aws/agent/offline-answer'
import { makeAgent } from './client'
import { FULL } from './config'
import { chat, problemOf } from './suites/load'
import { childPids, NODE_COMMS, rssKb } from './proc'
import { summarize } from './stats'
import { startUpstream } from './upstream'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const STREAMS = Number(arg('streams') ?? 200)
const BURSTS = Number(arg('bursts') ?? 2)
const NOFILE = arg('nofile')
// The load helper's port block (coordination brief): web, API Gateway, AgentCore, agent.
const PORTS = { DEV_PORT: '5220', LOCAL_API_PORT: '5221', LOCAL_AGENTCORE_PORT: '5222', LOCAL_AGENT_PORT: '5223' }
const { prompt, offline } = FULL.load

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })

/** Every process in the group, by command name. */
function groupProcesses(pgid: number): { comm: string; pid: number; rssKb: number }[] {
  const out: { comm: string; pid: number; rssKb: number }[] = []
  const walk = (pid: number) => {
    for (const comm of ['node', 'workerd', 'esbuild', 'sh']) {
      for (const child of childPids(pid, comm === 'node' ? NODE_COMMS : comm)) {
        try {
          out.push({ comm, pid: child, rssKb: rssKb(child) })
        } catch {
          // ended
        }
        walk(child)
      }
    }
  }
  walk(pgid)
  return out
}

async function main() {
  const upstream = await startUpstream('bench-key', { offline })
  const dir = mkdtempSync(join(tmpdir(), 'preview-streams-'))
  const vars = join(dir, 'dev.vars')
  // Not …/v1/invoke: npm run dev takes that for the local cloud and points the Worker at its own.
  const url = upstream.invokeUrl.replace('/v1/invoke', '/synthetic/invoke')
  writeFileSync(
    vars,
    [`UPSTREAM_URL=${url}`, `UPSTREAM_API_KEY=${upstream.apiKey}`, 'UPSTREAM_AWS_ACCESS_KEY_ID=AKIDPREVIEWCHECK', 'UPSTREAM_AWS_SECRET_ACCESS_KEY=preview-check', 'OWNER_COOKIE_SECRET=preview-check-cookie-secret', ''].join('\n'),
  )
  const command = `${NOFILE ? `ulimit -S -n ${NOFILE} && ` : ''}exec "${process.execPath}" --import tsx --disable-warning=FSTDEP023 aws/local/dev.ts --preview`
  const preview = spawn('/bin/sh', ['-c', command], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...PORTS, LOCAL_DEV_VARS_PATH: vars },
  })
  const output: string[] = []
  const ready = new Promise<boolean>((resolve) => {
    for (const s of [preview.stdout!, preview.stderr!]) {
      createInterface({ input: s }).on('line', (line) => {
        output.push(line)
        if (line.includes('Ready in')) resolve(true)
      })
    }
    preview.once('exit', () => resolve(false))
  })
  const timeout = setTimeout(() => process.kill(-preview.pid!, 'SIGTERM'), 300_000)
  const agent = makeAgent(STREAMS + 50)
  const rows: string[] = []
  try {
    if (!(await ready)) throw new Error(`npm run preview did not start:\n${output.slice(-20).join('\n')}`)
    clearTimeout(timeout)
    const base = `http://127.0.0.1:${PORTS.DEV_PORT}`
    const expected = composeAnswer({ prompt, earlier: [] })
    for (let b = 1; b <= BURSTS; b++) {
      const t0 = performance.now()
      // One loopback address per chat (127.0.0.2, …): the app's rate limit is per client IP (20 a minute,
      // wrangler.toml), and N users, not one client sending N, is what this checks.
      const results = await Promise.all(Array.from({ length: STREAMS }, (_, i) => chat(base, prompt, agent, 120_000, `127.0.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}`)))
      const seconds = (performance.now() - t0) / 1000
      const problems: Record<string, number> = {}
      let exact = 0
      for (const r of results) {
        const p = problemOf(r, expected)
        if (p) problems[p] = (problems[p] ?? 0) + 1
        else exact++
      }
      const ttft = summarize(results.filter((r) => Number.isFinite(r.ttftMs)).map((r) => r.ttftMs))
      const procs = groupProcesses(preview.pid!)
      const rss = (comm: string) => procs.filter((p) => p.comm === comm).reduce((a, p) => a + p.rssKb, 0) / 1024
      const row = `| ${STREAMS} | ${NOFILE ?? 'unchanged'} | ${b} | ${exact} / ${STREAMS} | ${results.filter((r) => r.status >= 500).length} | ${Object.entries(problems).map(([k, n]) => `${n} × ${k}`).join('; ') || '–'} | ${ttft.median.toFixed(0)} | ${ttft.p99.toFixed(0)} | ${seconds.toFixed(1)} | ${rss('workerd').toFixed(0)} | ${rss('node').toFixed(0)} |`
      rows.push(row)
      console.log(row)
    }
  } finally {
    agent.destroy()
    try {
      process.kill(-preview.pid!, 'SIGTERM')
    } catch {
      // already gone
    }
    await new Promise((r) => (preview.exitCode !== null ? r(null) : preview.once('exit', r)))
    await upstream.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  // npm run preview stops its whole group on SIGTERM (aws/local/children.ts); give it its grace time.
  let free = false
  for (let i = 0; i < 40 && !free; i++) {
    free = (await Promise.all(Object.values(PORTS).map((p) => portFree(Number(p))))).every(Boolean)
    if (!free) await new Promise((r) => setTimeout(r, 250))
  }
  console.log(`\n| streams | ulimit -n | burst | byte-exact, done | 5xx | failures | first text p50 ms | p99 ms | burst s | workerd RSS MB after | node RSS MB after (wrangler, local cloud, Lambda) |`)
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const r of rows) console.log(r)
  console.log(`\nports ${Object.values(PORTS).join(', ')} free after the stop: ${free}`)
  const tail = output.filter((l) => /EMFILE|too many open files|error/i.test(l)).slice(0, 5)
  if (tail.length) console.log(`preview errors seen:\n${tail.join('\n')}`)
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
