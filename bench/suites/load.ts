/**
 * Parallel chats through the project's Worker (issue 11 point 7): every turn goes through the
 * conversation's Durable Object (app/server/conversation), every answer must be the offline model's
 * text byte for byte and end with `done`. Two rows, each its own workerd:
 * - `chain`: workerd → API Gateway emulator → the Lambda bundle under aws-lambda-ric (one process per
 *   concurrent invocation, as Lambda runs one execution environment per concurrent request) →
 *   AgentCore emulator → the TypeScript agent on the offline model. The local cloud runs in a process
 *   of its own (bench/load-cloud.ts). `chainChats` at once, with the Lambda's concurrency set to it:
 *   what this 2-core machine's memory and CPU allow, not 500 Node processes.
 * - `edge`: workerd in front of the synthetic upstream (bench/upstream.ts) answering as the offline
 *   model does (the same tokens, pace and events as the Lambda writes), in this process: the Worker and
 *   its Durable Objects carry `edgeChats` at once, the AWS side costs nothing.
 * Each row runs `bursts` identical bursts, `idleMs` apart. Memory: every process's RSS before, its peak
 * during a burst (VmHWM after a reset where the kernel allows it, and RSS sampled every 25 ms), right
 * after, and after the idle wait. Settled RSS that stops moving after the first burst is a high-water
 * mark; one that grows by about the same amount every burst is a leak.
 * Bounded: each chat has `timeoutMs`; loopback only; every process it starts, it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request, type Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createParser } from 'eventsource-parser'
import { composeAnswer } from '../../aws/agent/offline-answer'
import { makeAgent } from '../client'
import type { BenchConfig } from '../config'
import type { LoadCloudOptions, LoadCloudReady, LoadCloudStats } from '../load-cloud'
import { childPids, NODE_COMMS, cpuDelta, cpuSample, peakRssKb, resetPeakRss, rssKb } from '../proc'
import { summarize, type Summary } from '../stats'
import { startUpstream } from '../upstream'
import { projectModules, startProjectWorker, type ProjectOptions, type Variant } from '../variants'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export type LoadRow = 'chain' | 'edge'

/** One process kind's memory (kB). Several processes of a kind (Lambda runtimes): the largest one and the sum. */
export interface MemorySample {
  processes: number
  maxKb: number
  sumKb: number
}

export interface BurstFigures {
  chats: number
  /** 200, every text byte the offline model's answer, the last event done (end_turn). */
  exact: number
  /** Answers that were 5xx (status), and every other failure by kind. */
  status5xx: number
  failures: Record<string, number>
  /** Request sent → first text event at the client (ms). */
  ttft: Summary
  /** Request sent → last byte, the whole burst (s). */
  seconds: number
  /** Per process kind: RSS before the burst, peak during it, right after it, after the idle wait. */
  memory: Record<string, { before: MemorySample; peak: MemorySample; after: MemorySample; settled: MemorySample }>
  /** workerd's CPU over the burst (scheduler run time of its threads), per chat (ms). */
  workerdCpuMsPerChat: number
  /** chain: Lambda invocations of this burst (one per chat) and runtime processes started so far. */
  lambda?: { invocations: number; spawned: number }
}

export interface LoadRowFigures {
  row: LoadRow
  chats: number
  /** What carried the answers upstream of the Worker (for the report). */
  upstream: string
  bursts: BurstFigures[]
  /** Per process kind: settled RSS growth from burst 1 to the last, per burst (kB), and the verdict. */
  trend: Record<string, { growthPerBurstKb: number; firstBurstKb: number; verdict: 'flat' | 'grows' }>
}

export interface LoadFigures {
  /** How the project's Worker was made. */
  build: string
  prompt: string
  answerBytes: number
  offline: { firstTokenMs: number; tokensPerSecond: number }
  idleMs: number
  peakRssMethod: string
  rows: LoadRowFigures[]
}

/** A process kind and how to find its pids now (Lambda runtime processes come and go). */
interface Watched {
  name: string
  pids(): number[]
}

export async function loadSuite(config: BenchConfig, log: (m: string) => void, opts: { projectSource: ProjectOptions['source']; buildLambda?: boolean }): Promise<LoadFigures> {
  const c = config.load
  const expected = composeAnswer({ prompt: c.prompt, earlier: [] })
  const { modules, build } = await projectModules({ source: opts.projectSource, log })
  log(`load: the Worker is the ${build}`)
  const agent = makeAgent(Math.max(c.chainChats, c.edgeChats) + 100)
  const rows: LoadRowFigures[] = []
  let hwmResets = true
  try {
    // The edge row first: the chain's hundred Node processes then cannot weigh on it.
    if (c.edgeChats > 0) {
      const upstream = await startUpstream('bench-key', { offline: c.offline })
      const persist = mkdtempSync(join(tmpdir(), 'bench-load-do-'))
      let worker: Variant | undefined
      try {
        worker = await startProjectWorker('load-edge', modules, { UPSTREAM_URL: upstream.invokeUrl, UPSTREAM_API_KEY: upstream.apiKey, ...testSigning() }, persist)
        const watched: Watched[] = [{ name: 'workerd', pids: () => [worker!.pid!] }, { name: 'bench process (client + synthetic upstream)', pids: () => [process.pid] }]
        const bursts = await runBursts({ url: worker.url, chats: c.edgeChats, config: c, expected, agent, watched, workerdPid: worker.pid!, log: (m) => log(`load edge: ${m}`), onReset: (ok) => (hwmResets &&= ok) })
        rows.push({ row: 'edge', chats: c.edgeChats, upstream: 'synthetic upstream (bench/upstream.ts) answering as the offline model', bursts, trend: trendOf(bursts) })
      } finally {
        await worker?.stop()
        await upstream.stop()
        rmSync(persist, { recursive: true, force: true })
      }
    }
    if (c.chainChats > 0) {
      const cloud = await startCloudProcess({ lambdaConcurrency: c.chainChats, offline: c.offline, build: opts.buildLambda ?? true }, log)
      const persist = mkdtempSync(join(tmpdir(), 'bench-load-do-'))
      let worker: Variant | undefined
      try {
        worker = await startProjectWorker('load-chain', modules, cloud.ready.workerVars, persist)
        const lambdas = (fn: 'invoke' | 'cancel') => () =>
          childPids(cloud.pid, NODE_COMMS).filter((pid) => (functionNameOf(pid) === cloud.ready.cancelFunctionName) === (fn === 'cancel'))
        const watched: Watched[] = [
          { name: 'workerd', pids: () => [worker!.pid!] },
          { name: 'local cloud (API Gateway, Lambda API and AgentCore emulators, the agent)', pids: () => [cloud.pid] },
          { name: 'Lambda runtime processes (invoke function)', pids: lambdas('invoke') },
          { name: 'Lambda runtime processes (cancel function)', pids: lambdas('cancel') },
        ]
        let before = await cloud.stats()
        const bursts = await runBursts({
          url: worker.url,
          chats: c.chainChats,
          config: c,
          expected,
          agent,
          watched,
          workerdPid: worker.pid!,
          log: (m) => log(`load chain: ${m}`),
          onReset: (ok) => (hwmResets &&= ok),
          afterBurst: async (b) => {
            const now = await cloud.stats()
            b.lambda = { invocations: now.invocations - before.invocations, spawned: now.spawned }
            before = now
          },
        })
        rows.push({
          row: 'chain',
          chats: c.chainChats,
          upstream: `the local cloud: API Gateway emulator → Lambda (LOCAL_LAMBDA_CONCURRENCY=${c.chainChats}) → AgentCore emulator → TypeScript agent, offline model`,
          bursts,
          trend: trendOf(bursts),
        })
      } finally {
        await worker?.stop()
        await cloud.stop()
        rmSync(persist, { recursive: true, force: true })
      }
    }
  } finally {
    agent.destroy()
  }
  return {
    build,
    prompt: c.prompt,
    answerBytes: Buffer.byteLength(expected),
    offline: c.offline,
    idleMs: c.idleMs,
    peakRssMethod: hwmResets ? 'VmHWM reset before each burst (clear_refs), and RSS sampled every 25 ms' : 'RSS sampled every 25 ms (the kernel refused to reset VmHWM)',
    rows,
  }
}

/** The project's Worker signs every upstream request; the synthetic upstream does not check signatures. */
function testSigning(): Record<string, string> {
  return { UPSTREAM_AWS_ACCESS_KEY_ID: 'AKIDLOADBENCH', UPSTREAM_AWS_SECRET_ACCESS_KEY: 'load-bench-secret', UPSTREAM_AWS_REGION: 'us-east-1' }
}

async function runBursts(o: {
  url: string
  chats: number
  config: BenchConfig['load']
  expected: string
  agent: Agent
  watched: Watched[]
  workerdPid: number
  log(m: string): void
  onReset(ok: boolean): void
  afterBurst?(b: BurstFigures): Promise<void>
}): Promise<BurstFigures[]> {
  const out: BurstFigures[] = []
  for (let burst = 1; burst <= o.config.bursts; burst++) {
    const before = sampleAll(o.watched)
    const known = new Set(o.watched.flatMap((w) => w.pids()))
    for (const pid of known) o.onReset(resetPeakRss(pid))
    const peaks = watchPeaks(o.watched)
    const cpu0 = cpuSample(o.workerdPid)
    const t0 = performance.now()
    const results = await Promise.all(Array.from({ length: o.chats }, () => chat(o.url, o.config.prompt, o.agent, o.config.timeoutMs)))
    const seconds = (performance.now() - t0) / 1000
    // The Worker's side of the last answers (storage flushes) ends within moments of their last byte.
    await new Promise((r) => setTimeout(r, 200))
    const cpuMs = cpuDelta(cpu0, cpuSample(o.workerdPid)).schedMs
    const peak = peaks.stop()
    const after = sampleAll(o.watched)
    await new Promise((r) => setTimeout(r, o.config.idleMs))
    const settled = sampleAll(o.watched)
    const failures: Record<string, number> = {}
    let exact = 0
    let status5xx = 0
    for (const r of results) {
      const problem = problemOf(r, o.expected)
      if (!problem) exact++
      else failures[problem] = (failures[problem] ?? 0) + 1
      if (r.status >= 500) status5xx++
    }
    const b: BurstFigures = {
      chats: o.chats,
      exact,
      status5xx,
      failures,
      ttft: summarize(results.filter((r) => Number.isFinite(r.ttftMs)).map((r) => r.ttftMs)),
      seconds,
      workerdCpuMsPerChat: cpuMs / o.chats,
      memory: Object.fromEntries(o.watched.map((w) => [w.name, { before: before[w.name], peak: peak[w.name], after: after[w.name], settled: settled[w.name] }])),
    }
    await o.afterBurst?.(b)
    out.push(b)
    o.log(`burst ${burst}/${o.config.bursts}: ${exact}/${o.chats} byte-exact, ttft p50 ${b.ttft.median.toFixed(0)} ms p99 ${b.ttft.p99.toFixed(0)} ms, ${seconds.toFixed(1)} s, workerd ${b.workerdCpuMsPerChat.toFixed(1)} ms CPU per chat${exact < o.chats ? `; failures ${JSON.stringify(failures)}` : ''}`)
  }
  return out
}

export interface ChatResult {
  status: number
  ttftMs: number
  text: string
  last?: { type: string; data: string }
  error?: string
}

/** What is wrong with an answer, in a word or two; undefined when it is the offline model's answer, ended by done. */
export function problemOf(r: ChatResult, expected: string): string | undefined {
  if (r.error) return r.error
  if (r.status !== 200) return `status ${r.status}`
  if (r.last?.type !== 'done') return `ended with ${r.last?.type ?? 'nothing'}`
  if (JSON.parse(r.last.data).stopReason !== 'end_turn') return `done ${r.last.data}`
  if (r.text !== expected) return 'text differs'
  return undefined
}

/** POST /api/invoke with a new conversation; reads the SSE answer to its end. */
/** `localAddress`: the client's own loopback address (127.0.0.x), so a per-IP rate limit sees one client per address. */
export function chat(url: string, prompt: string, agent: Agent, timeoutMs: number, localAddress?: string): Promise<ChatResult> {
  const body = JSON.stringify({ prompt })
  const r: ChatResult = { status: 0, ttftMs: NaN, text: '' }
  const t0 = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const finish = (error?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) r.error = error
      resolve(r)
    }
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs)
    const parser = createParser({
      onEvent(ev) {
        const type = ev.event ?? 'message'
        if (type === 'text') {
          if (Number.isNaN(r.ttftMs)) r.ttftMs = performance.now() - t0
          r.text += (JSON.parse(ev.data) as { text: string }).text
        }
        r.last = { type, data: ev.data }
      },
    })
    const req = request(new URL('/api/invoke', url), {
      method: 'POST',
      agent,
      ...(localAddress ? { localAddress } : {}),
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) },
    })
    req.on('response', (res) => {
      r.status = res.statusCode ?? 0
      const decoder = new TextDecoder()
      res.on('data', (b: Buffer) => parser.feed(decoder.decode(b, { stream: true })))
      res.on('end', () => finish())
      res.on('error', (e) => finish(e.message))
      res.on('aborted', () => finish('aborted'))
    })
    req.on('error', (e) => finish(e.message === 'timeout' ? 'timeout' : `connection: ${e.message}`))
    req.end(body)
  })
}

function sampleOf(pids: number[]): MemorySample {
  const kb = pids.map((p) => {
    try {
      return rssKb(p)
    } catch {
      return NaN // gone
    }
  }).filter(Number.isFinite)
  return { processes: kb.length, maxKb: Math.max(0, ...kb), sumKb: kb.reduce((a, b) => a + b, 0) }
}

const sampleAll = (watched: Watched[]) => Object.fromEntries(watched.map((w) => [w.name, sampleOf(w.pids())]))

/**
 * Peak memory per process kind over a burst: every 25 ms each process's RSS (the pids looked up
 * again every 250 ms, as Lambda runtime processes start), and at the end each process's VmHWM where it
 * counts (reset at the start, or the process started during the burst). The sum's peak is the largest
 * sampled sum of simultaneous RSS.
 */
function watchPeaks(watched: Watched[]): { stop(): Record<string, MemorySample> } {
  const perPid = new Map<string, Map<number, number>>(watched.map((w) => [w.name, new Map()]))
  const sumPeak = new Map<string, number>(watched.map((w) => [w.name, 0]))
  const pids = new Map<string, number[]>()
  const lookUp = () => watched.forEach((w) => pids.set(w.name, w.pids()))
  const tick = () => {
    for (const w of watched) {
      let sum = 0
      for (const pid of pids.get(w.name) ?? []) {
        let kb: number
        try {
          kb = rssKb(pid)
        } catch {
          continue
        }
        sum += kb
        const m = perPid.get(w.name)!
        m.set(pid, Math.max(m.get(pid) ?? 0, kb))
      }
      sumPeak.set(w.name, Math.max(sumPeak.get(w.name)!, sum))
    }
  }
  lookUp()
  tick()
  const sampler = setInterval(tick, 25)
  const finder = setInterval(lookUp, 250)
  return {
    stop() {
      clearInterval(sampler)
      clearInterval(finder)
      lookUp()
      tick()
      const out: Record<string, MemorySample> = {}
      for (const w of watched) {
        const m = perPid.get(w.name)!
        for (const pid of m.keys()) {
          try {
            // VmHWM is this burst's peak for a process reset at its start or started during it.
            m.set(pid, Math.max(m.get(pid)!, peakRssKb(pid)))
          } catch {
            // ended: its sampled peak stands
          }
        }
        const peaks = [...m.values()]
        out[w.name] = { processes: m.size, maxKb: Math.max(0, ...peaks), sumKb: Math.max(sumPeak.get(w.name)!, 0) }
      }
      return out
    },
  }
}

/** Settled RSS (the sum over a kind's processes) from the first burst to the last, per burst. */
function trendOf(bursts: BurstFigures[]): LoadRowFigures['trend'] {
  const out: LoadRowFigures['trend'] = {}
  if (bursts.length < 2) return out
  for (const name of Object.keys(bursts[0].memory)) {
    const settled = bursts.map((b) => b.memory[name].settled.sumKb)
    const first = settled[0] - bursts[0].memory[name].before.sumKb
    const growth = (settled.at(-1)! - settled[0]) / (bursts.length - 1)
    // A high-water mark may still move a little (allocator, JIT); a leak adds about what the first burst kept, every burst.
    const verdict = growth > Math.max(2048, 0.25 * Math.max(first, 0)) ? 'grows' : 'flat'
    out[name] = { growthPerBurstKb: growth, firstBurstKb: first, verdict }
  }
  return out
}

/** A Lambda runtime process's function name (its AWS_LAMBDA_FUNCTION_NAME). */
function functionNameOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((e) => e.startsWith('AWS_LAMBDA_FUNCTION_NAME='))
      ?.slice('AWS_LAMBDA_FUNCTION_NAME='.length)
  } catch {
    return undefined
  }
}

interface CloudProcess {
  pid: number
  ready: LoadCloudReady
  stats(): Promise<LoadCloudStats>
  stop(): Promise<void>
}

/** bench/load-cloud.ts in its own Node process (tsx's loader), ready when it prints its vars. */
async function startCloudProcess(options: LoadCloudOptions, log: (m: string) => void): Promise<CloudProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=FSTDEP023', `${ROOT}bench/load-cloud.ts`, JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stderr!.on('data', (b: Buffer) => {
    const text = b.toString().trim()
    if (text && !text.includes('NodeVersionSupportWarning') && !text.includes('node >=22')) log(`load cloud: ${text.slice(0, 300)}`)
  })
  const lines: Interface = createInterface({ input: child.stdout! })
  const waiting: Array<(line: string) => void> = []
  lines.on('line', (line) => waiting.shift()?.(line))
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve)
      child.once('exit', (code) => reject(new Error(`the load cloud exited (code ${code})`)))
    })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  let ready: LoadCloudReady
  try {
    ready = JSON.parse(await nextLine()) as LoadCloudReady
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  log(`load: local cloud ready (pid ${child.pid}, Lambda concurrency ${options.lambdaConcurrency})`)
  return {
    pid: child.pid!,
    ready,
    async stats() {
      const line = nextLine()
      child.stdin!.write('stats\n')
      return JSON.parse(await line) as LoadCloudStats
    },
    async stop() {
      child.stdin!.end()
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    },
  }
}
