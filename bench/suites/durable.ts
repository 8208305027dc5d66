/**
 * The durable path (issue 10): every turn through the conversation's Durable Object (SQLite storage,
 * batched writes, replay, fan-out), measured beside the floor and the relay floor in the same run.
 * - CPU per 1,000-chunk answer and added latency per chunk: the cpu and latency suites' figures for
 *   the project's route (which is the durable path) and the floors; taken from this run's results when
 *   those suites ran, else measured here on the same variants.
 * - Reconnect → first replayed event: an answer runs, a reader reads a few events and leaves, then
 *   comes back with `?after=<last id>`; the time from sending that request to its first event.
 * - Storage writes per answer: the conversation's own count of its SQLite write transactions
 *   (Conversation.stats() in app/server/conversation/conversation.ts, called through Miniflare's
 *   Durable Object namespace, never through a route).
 * - Stop → the agent's end: on the whole local chain (workerd → API Gateway emulator → the Lambda
 *   bundle under aws-lambda-ric → AgentCore emulator → the TypeScript agent on the offline model), the
 *   time from sending POST /api/conversations/:id/stop to the agent's turn having ended, taken at the
 *   agent (its Turn's `finished`, in this process).
 */
import { performance } from 'node:perf_hooks'
import { createParser } from 'eventsource-parser'
import type { RunningAgent } from '../../aws/agent/app'
import { startLocalCloud } from '../../aws/local/cloud'
import { SESSION_HEADER } from '../../protocol/events'
import type { BenchContext } from '../context'
import { summarize, type Summary } from '../stats'
import { promptFor } from '../upstream'
import { projectModules, startProjectWorker, type ProjectOptions, type Variant } from '../variants'
import { cpuSuite, type CpuFigures } from './cpu'
import { latencySuite, type LatencyFigures } from './latency'

export interface DurableFigures {
  /** The variants compared (the project's route is the durable path). */
  variants: string[]
  /** workerd CPU per answer of `cpuChunks` chunks, per variant (ms, schedstat median) and per chunk (µs). */
  cpu: Record<string, { msPerAnswer: number; usPerChunk: number }>
  cpuChunks: number
  /** Added latency per chunk against the direct path (ms), per variant. */
  addedLatency: Record<string, { median: number; p99: number }>
  /** Reconnect → first replayed event (ms), how many resumes got exactly the events after their id, and answers that did not start (their status). */
  reconnect: Summary & { exact: number; failed: Record<string, number> }
  /** SQLite write transactions per answer of `storageChunks` chunks, and the events stored. */
  storage: { chunks: number; writesPerAnswer: Summary; eventsPerAnswer: number }
  /** POST stop sent → the agent's turn ended (ms); the stop request's own time; turns the agent ended cancelled. */
  stop: { toAgentEnd: Summary; response: Summary; cancelledAtAgent: number; of: number }
}

const COMPARED = ['direct', 'floor', 'relay-floor', 'project']
const WARM_UP = 2

export async function durableSuite(ctx: BenchContext, earlier: { cpu?: Record<string, CpuFigures>; latency?: Record<string, LatencyFigures> }, opts: ProjectOptions): Promise<DurableFigures> {
  const { config, log } = ctx
  const variants = ctx.variants.filter((v) => COMPARED.includes(v.name))
  const project = variants.find((v) => v.name === 'project')
  if (!project?.miniflare) throw new Error('the durable suite needs the project variant (--variants=…,project)')
  const sub: BenchContext = { ...ctx, variants }
  const cpu = earlier.cpu ?? (await cpuSuite(sub))
  const latency = earlier.latency ?? (await latencySuite(sub))
  const names = variants.map((v) => v.name)

  const reconnect = await reconnects(project, config.durable.reconnects, log)
  const storage = await storageWrites(project, config.durable.storageAnswers, config.durable.storageChunks, log)
  const stop = await stops(config.durable, opts, log)
  return {
    variants: names,
    cpu: Object.fromEntries(names.filter((n) => cpu[n]).map((n) => [n, { msPerAnswer: cpu[n].schedMsPerAnswer.median, usPerChunk: cpu[n].usPerChunk }])),
    cpuChunks: config.cpu.stream.n,
    addedLatency: Object.fromEntries(names.filter((n) => latency[n]).map((n) => [n, latency[n].added])),
    reconnect,
    storage,
    stop,
  }
}

interface Event {
  id: number
  type: string
  data: string
}

/** A reader of one response's SSE: `next()` gives the next event, or undefined at the end. */
function reader(res: Response) {
  const queue: Event[] = []
  const body = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  const parser = createParser({ onEvent: (e) => queue.push({ id: Number(e.id), type: e.event ?? 'message', data: e.data }) })
  return {
    async next(): Promise<Event | undefined> {
      while (queue.length === 0) {
        const { done, value } = await body.read()
        if (done) return undefined
        parser.feed(value)
      }
      return queue.shift()
    },
    cancel: () => body.cancel().catch(() => {}),
  }
}

/** The identity cookie a response set (each new visitor is a new owner, so no owner reaches its conversation cap). */
const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')

function invoke(base: string, prompt: string): Promise<Response> {
  return fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ prompt }) })
}

async function reconnects(project: Variant, count: number, log: (m: string) => void): Promise<DurableFigures['reconnect']> {
  const origin = new URL(project.url).origin
  // A running answer: 300 chunks 5 ms apart (1.5 s), so every reconnect lands while it runs.
  const prompt = promptFor({ n: 300, size: 100, intervalMs: 5 })
  const ms: number[] = []
  let exact = 0
  const failed: Record<string, number> = {}
  // Two warm-up rounds first (connections, the Durable Object class's first instances): not counted.
  for (let i = -WARM_UP; i < count; i++) {
    const res = await invoke(project.url, prompt)
    if (res.status !== 200) {
      const why = `${res.status} ${await res.text().then((t) => t.slice(0, 80))}`
      failed[why] = (failed[why] ?? 0) + 1
      continue
    }
    const id = res.headers.get(SESSION_HEADER)!
    const cookie = cookieOf(res)
    const first = reader(res)
    const seen: Event[] = []
    for (let k = 0; k < 2 + (((i % 8) + 8) % 8); k++) {
      const e = await first.next()
      if (e) seen.push(e)
    }
    await first.cancel()
    const after = seen.at(-1)?.id ?? 0
    const sent = performance.now()
    const again = await fetch(`${origin}/api/conversations/${id}/events?after=${after}`, { headers: { cookie, accept: 'text/event-stream' } })
    const back = reader(again)
    const next = await back.next()
    if (i >= 0) {
      ms.push(performance.now() - sent)
      if (next?.id === after + 1) exact++
    }
    await back.cancel()
    // Stop the answer: the next round starts on a quiet machine.
    await fetch(`${origin}/api/conversations/${id}/stop`, { method: 'POST', headers: { cookie } })
  }
  log(`durable reconnect: ${count} resumes`)
  return { ...summarize(ms), exact, failed }
}

async function storageWrites(project: Variant, answers: number, chunks: number, log: (m: string) => void): Promise<DurableFigures['storage']> {
  const ns = await project.miniflare!.getDurableObjectNamespace('CONVERSATIONS')
  const writes: number[] = []
  let events = 0
  for (let i = 0; i < answers; i++) {
    const res = await invoke(project.url, promptFor({ n: chunks, size: 100, intervalMs: 0 }))
    const id = res.headers.get(SESSION_HEADER)!
    await res.text()
    const stub = ns.get(ns.idFromName(id)) as unknown as { stats(): Promise<{ writes: number; bytes: number; events: number }> }
    const stats = await stub.stats()
    writes.push(stats.writes)
    events = stats.events
  }
  log(`durable storage: ${answers} answers`)
  return { chunks, writesPerAnswer: summarize(writes), eventsPerAnswer: events }
}

/** Stop → the agent's end, on the whole local chain. */
async function stops(sizes: { stops: number; offline: { firstTokenMs: number; tokensPerSecond: number } }, opts: ProjectOptions, log: (m: string) => void): Promise<DurableFigures['stop']> {
  const cloud = await startLocalCloud({ agent: { offline: sizes.offline } })
  // The project's Worker once more, pointed at the local chain (the `project` variant is bound to the synthetic upstream).
  const { modules } = await projectModules(opts.source === 'build' ? { ...opts, source: 'existing' } : opts)
  const edge = await startProjectWorker('project-on-local-chain', modules, { UPSTREAM_KIND: 'rest', ...cloud.workerVars })
  const agent = cloud.agent as RunningAgent
  const toEnd: number[] = []
  const response: number[] = []
  let cancelled = 0
  try {
    const origin = new URL(edge.url).origin
    for (let i = -WARM_UP; i < sizes.stops; i++) {
      const res = await invoke(edge.url, 'Tell me a long story words:5000')
      const id = res.headers.get(SESSION_HEADER)!
      const cookie = cookieOf(res)
      const answer = reader(res)
      // Stop once the agent is streaming text.
      for (let texts = 0; texts < 5; ) {
        const e = await answer.next()
        if (!e) throw new Error('the answer ended before Stop')
        if (e.type === 'text') texts++
      }
      const turn = agent.sessions.peek(id)?.turn
      if (!turn?.running) throw new Error('no running turn at the agent')
      let ended = NaN
      const finished = turn.finished.then(() => (ended = performance.now()))
      const sent = performance.now()
      const stop = await fetch(`${origin}/api/conversations/${id}/stop`, { method: 'POST', headers: { cookie } })
      const responded = performance.now() - sent
      if (stop.status !== 200) throw new Error(`stop answered ${stop.status}`)
      await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))])
      if (i >= 0) {
        response.push(responded)
        // NaN (a turn still running 10 s after Stop) makes the summary NaN: the report shows it as missing, never as fast.
        toEnd.push(ended - sent)
        if (turn.cancelled) cancelled++
      }
      while (await answer.next());
    }
  } finally {
    await edge.stop()
    await cloud.stop()
  }
  log(`durable stop: ${sizes.stops} stops`)
  return { toAgentEnd: summarize(toEnd), response: summarize(response), cancelledAtAgent: cancelled, of: sizes.stops }
}
