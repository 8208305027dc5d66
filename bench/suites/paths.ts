/**
 * The streaming paths side by side (`npm run bench -- --only=paths`; README "Choosing a path"):
 * through the local cloud and the built Worker (workerd), per path (aws/local/worker-vars.ts
 * LOCAL_PATHS, so a path the local cloud learns to serve is measured too), answers of about
 * `words` text chunks, measuring
 * - time to first text: the client's first `text` event after the request was sent;
 * - added latency per chunk: the mean gap between text events minus the agent's own gap (the offline
 *   model's pace), i.e. what the hops add to each chunk;
 * - Worker CPU per 1,000-chunk answer: workerd's scheduler run time during the answer (bench/proc.ts);
 * - upstream calls per answer: the Lambda invocations (websocket: its function's $connect, invoke and
 *   $disconnect) and AgentCore invocations the answer cost, and on websocket the PostToConnection
 *   calls (billed messages);
 * and the cost per million answers on paper (bench/cost-model.ts).
 * Local figures on a shared machine: compare the paths with each other, not with the cloud.
 */
import { createParser } from 'eventsource-parser'
import { startLocalCloud } from '../../aws/local/cloud'
import { LOCAL_PATHS, workerVarsFor } from '../../aws/local/worker-vars'
import { buildEdgeApp, startEdge } from '../../e2e/edge-server'
import type { UpstreamKind } from '../../protocol/upstream-kinds'
import type { BenchConfig } from '../config'
import { ANSWER_STATED, costPerMillion, PRICES, type PathCost } from '../cost-model'
import { childPids, cpuDelta, cpuSample } from '../proc'
import { summarize, type Summary } from '../stats'

export interface PathRow {
  kind: UpstreamKind
  answers: number
  textChunks: Summary
  ttftMs: Summary
  addedPerChunkMs: Summary
  workerCpuPer1000Ms: Summary
  lambdaInvocations: Summary
  agentCoreInvocations: Summary
  /** websocket only: PostToConnection calls per answer. */
  postsPerAnswer?: Summary
}

export interface PathFigures {
  words: number
  tokensPerSecond: number
  rows: PathRow[]
  answerStated: string
  costs: PathCost[]
  prices: typeof PRICES
}

/** What the Worker's CPU per 1,000-chunk answer costs in the model: the native pipe's figure where the body is piped (bench/profile.md). */
const PIPED_WORKER_CPU_MS = 20

export async function pathsSuite(config: BenchConfig, log: (m: string) => void): Promise<PathFigures> {
  const { answers, words, tokensPerSecond } = config.paths
  const kinds = (config.paths.kinds ?? LOCAL_PATHS).filter((k) => LOCAL_PATHS.includes(k))
  const cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 50, tokensPerSecond } }, lambdaAgent: kinds.includes('lambda-agent') })
  log('paths: building the app')
  await buildEdgeApp()
  const rows: PathRow[] = []
  const prompt = `Benchmark answer words:${words}`
  try {
    for (const kind of kinds) {
      const before = new Set(childPids(process.pid, 'workerd'))
      const edge = await startEdge(workerVarsFor(cloud, kind))
      const workerd = childPids(process.pid, 'workerd').find((p) => !before.has(p))
      // The Lambda invocations an answer costs on this path (the websocket function starts on first use).
      const invocations = () => {
        if (kind === 'lambda-agent') return cloud.lambdaAgent!.lambda.stats().invocations
        // The websocket path's function is its own: its route invocations are counted by the WebSocket API emulator.
        if (kind === 'websocket') return Object.values(cloud.webSocketApi.invocations).reduce((a, b) => a + b, 0)
        return cloud.lambda.stats().invocations + cloud.cancelLambda.stats().invocations
      }
      const raw = { chunks: [] as number[], ttft: [] as number[], added: [] as number[], cpu: [] as number[], lambda: [] as number[], agentCore: [] as number[], posts: [] as number[] }
      try {
        // Two warm-up answers: a cold Lambda and a fresh Worker are not what is compared.
        for (let i = -2; i < answers; i++) {
          const calls0 = invocations()
          const posts0 = cloud.webSocketApi.posts
          const agentCore0 = cloud.agentCore.events.filter((e) => e.type === 'invoke').length
          const cpu0 = workerd ? cpuSample(workerd) : undefined
          const sent = performance.now()
          const res = await send(`${edge.url}/api/invoke`, prompt, i < 0 ? 3 : 1)
          let first = NaN
          let last = NaN
          let chunks = 0
          // The SSE parser the tests use: an event split across reads counts once, when complete.
          const parser = createParser({
            onEvent: (e) => {
              if (e.event !== 'text') return
              last = performance.now()
              if (Number.isNaN(first)) first = last
              chunks++
            },
          })
          const dec = new TextDecoder()
          const reader = res.body!.getReader()
          for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(dec.decode(r.value, { stream: true }))
          const cpu = workerd && cpu0 ? cpuDelta(cpu0, cpuSample(workerd)).schedMs : NaN
          if (i < 0) continue
          raw.chunks.push(chunks)
          raw.ttft.push(first - sent)
          raw.added.push((last - first) / Math.max(1, chunks - 1) - 1000 / tokensPerSecond)
          raw.cpu.push((cpu / Math.max(1, chunks)) * 1000)
          // $disconnect runs once the Worker has closed the socket: let it land before counting.
          if (kind === 'websocket') await new Promise((r) => setTimeout(r, 200))
          raw.lambda.push(invocations() - calls0)
          raw.posts.push(cloud.webSocketApi.posts - posts0)
          raw.agentCore.push(cloud.agentCore.events.filter((e) => e.type === 'invoke').length - agentCore0)
        }
      } finally {
        await edge.stop()
      }
      rows.push({
        kind,
        answers,
        textChunks: summarize(raw.chunks),
        ttftMs: summarize(raw.ttft),
        addedPerChunkMs: summarize(raw.added),
        workerCpuPer1000Ms: summarize(raw.cpu),
        lambdaInvocations: summarize(raw.lambda),
        agentCoreInvocations: summarize(raw.agentCore),
        ...(kind === 'websocket' ? { postsPerAnswer: summarize(raw.posts) } : {}),
      })
      log(`paths: ${kind} done`)
    }
  } finally {
    await cloud.stop()
  }
  // Worker CPU in the cost model: the native pipe's figure, more where JavaScript touches every chunk
  // (invoke-stream decodes event-stream frames: +50–130 µs per chunk, bench/profile.md).
  // websocket's Worker handles ~50 messages, not ~1,000 chunks, per answer: about the piped paths' figure.
  const cpuFor = (k: UpstreamKind) => (k === 'invoke-stream' ? PIPED_WORKER_CPU_MS + 90 : PIPED_WORKER_CPU_MS)
  const costKinds: UpstreamKind[] = ['rest', 'function-url', 'invoke-stream', 'websocket', 'lambda-agent']
  return { words, tokensPerSecond, rows, answerStated: ANSWER_STATED, costs: costKinds.map((k) => costPerMillion(k, cpuFor(k))), prices: PRICES }
}

/** POSTs a prompt; a warm-up may be retried when a just-started workerd resets the connection (a loaded machine). */
async function send(url: string, prompt: string, tries: number): Promise<Response> {
  for (let t = 1; ; t++) {
    try {
      return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) })
    } catch (err) {
      if (t >= tries) throw err
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`
const range = ([a, b]: [number, number]) => (Math.abs(a - b) < 0.005 ? usd(a) : `${usd(a)}–${usd(b)}`)

export function renderPaths(p: PathFigures): string[] {
  const f = (s: Summary, d = 0) => (Number.isFinite(s.median) ? s.median.toFixed(d) : '–')
  return [
    '## Streaming paths side by side',
    '',
    `Each path through the local cloud and the built Worker (workerd), ${p.rows[0]?.answers ?? 0} answers of ~${p.words} text chunks each (offline model at ${p.tokensPerSecond} tokens/s), medians (bench/suites/paths.ts).`,
    '',
    '| path | text chunks | time to first text (ms) | added latency per chunk (ms) | Worker CPU per 1,000-chunk answer (ms) | Lambda invocations per answer | AgentCore invocations per answer | PostToConnection calls per answer |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...p.rows.map(
      (r) =>
        `| ${r.kind} | ${f(r.textChunks)} | ${f(r.ttftMs)} | ${f(r.addedPerChunkMs, 2)} | ${f(r.workerCpuPer1000Ms)} | ${f(r.lambdaInvocations)} | ${f(r.agentCoreInvocations)} | ${r.postsPerAnswer ? f(r.postsPerAnswer) : '—'} |`,
    ),
    '',
    `Cost per million answers on paper (bench/cost-model.ts): ${p.answerStated}. Model tokens are the same on every path and left out of the totals.`,
    '',
    '| path | Worker | API Gateway | Lambda | AgentCore | transfer | total | an answer stopped at its first token still costs (per million) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...p.costs.map((c) => `| ${c.kind} | ${usd(c.worker)} | ${range(c.apiGateway)} | ${usd(c.lambda)} | ${usd(c.agentCore)} | ${usd(c.transfer)} | ${range(c.total)} | ${range(c.afterStop.usd)}: ${c.afterStop.what} |`),
    '',
    'Prices: ' + Object.values(p.prices).map((x) => `${x.item} $${x.usd} per ${x.per} (${x.source}, read ${x.read})`).join('; ') + '.',
    '',
  ]
}
