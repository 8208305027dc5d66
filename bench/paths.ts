/**
 * `npm run bench:paths`: the streaming paths side by side through the local cloud and the built
 * Worker (workerd): per path, answers of about 1,000 text chunks, measuring
 * - time to first text: the Worker's first `text` event after the request was sent;
 * - added latency per chunk: the Worker's mean gap between text events minus the agent's own gap
 *   (the offline model's pace), i.e. what the hops add to each chunk;
 * - Worker CPU per 1,000-chunk answer: workerd's scheduler run time during the answer (bench/proc.ts);
 * - upstream calls per answer: the Lambda invocations the answer cost (websocket: its function's
 *   $connect, invoke and $disconnect), and on websocket the PostToConnection calls (billed messages).
 * Options: --answers=N (default 5), --paths=rest,invoke-stream. Writes bench/paths-report.md.
 * Local figures on a shared machine: compare the paths with each other, not with the cloud.
 */
import { writeFileSync } from 'node:fs'
import { createParser } from 'eventsource-parser'
import { fileURLToPath } from 'node:url'
import { startLocalCloud } from '../aws/local/cloud'
import { LOCAL_PATHS, workerVarsFor } from '../aws/local/worker-vars'
import { buildEdgeApp, startEdge } from '../e2e/edge-server'
import type { UpstreamKind } from '../protocol/upstream-kinds'
import { childPids, cpuDelta, cpuSample } from './proc'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const ANSWERS = Number(arg('answers') ?? 5)
const PATHS = (arg('paths')?.split(',') ?? LOCAL_PATHS) as UpstreamKind[]
const TOKENS_PER_SECOND = 400
const PROMPT = 'Benchmark answer words:1000'

interface Row {
  kind: UpstreamKind
  ttftMs: number[]
  addedPerChunkMs: number[]
  cpuPer1000Ms: number[]
  callsPerAnswer: number[]
  postsPerAnswer: number[]
  chunks: number[]
}

const median = (xs: number[]) => {
  const ok = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return ok[Math.floor(ok.length / 2)] ?? NaN
}

async function main() {
  const cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 50, tokensPerSecond: TOKENS_PER_SECOND } } })
  await buildEdgeApp()
  const rows: Row[] = []
  try {
    for (const kind of PATHS) {
      const before = new Set(childPids(process.pid, 'workerd'))
      const edge = await startEdge(workerVarsFor(cloud, kind))
      const workerd = childPids(process.pid, 'workerd').find((p) => !before.has(p))
      const row: Row = { kind, ttftMs: [], addedPerChunkMs: [], cpuPer1000Ms: [], callsPerAnswer: [], postsPerAnswer: [], chunks: [] }
      // The websocket path's function is its own: its route invocations are counted by the WebSocket API emulator.
      const invocations = () => (kind === 'websocket' ? Object.values(cloud.webSocketApi.invocations).reduce((a, b) => a + b, 0) : cloud.lambda.stats().invocations)
      for (let i = -2; i < ANSWERS; i++) {
        const calls0 = invocations()
        const posts0 = cloud.webSocketApi.posts
        const cpu0 = workerd ? cpuSample(workerd) : undefined
        const sent = performance.now()
        const res = await fetch(`${edge.url}/api/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: PROMPT }) })
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
        if (i < 0) continue // warm-up
        row.ttftMs.push(first - sent)
        row.chunks.push(chunks)
        row.addedPerChunkMs.push((last - first) / Math.max(1, chunks - 1) - 1000 / TOKENS_PER_SECOND)
        row.cpuPer1000Ms.push((cpu / chunks) * 1000)
        // $disconnect runs once the Worker has closed the socket: let it land before counting.
        if (kind === 'websocket') await new Promise((r) => setTimeout(r, 200))
        row.callsPerAnswer.push(invocations() - calls0)
        row.postsPerAnswer.push(cloud.webSocketApi.posts - posts0)
      }
      await edge.stop()
      rows.push(row)
      console.log(`${kind}: done`)
    }
  } finally {
    await cloud.stop()
  }
  const lines = [
    `Paths through the local cloud and the built Worker (workerd), ${ANSWERS} answers of ~1,000 text chunks each per path, medians; ${new Date().toISOString()}.`,
    '',
    '| path | text chunks | time to first text (ms) | added latency per chunk (ms) | Worker CPU per 1,000-chunk answer (ms) | Lambda invocations per answer | PostToConnection calls per answer |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${median(r.chunks)} | ${median(r.ttftMs).toFixed(0)} | ${median(r.addedPerChunkMs).toFixed(2)} | ${median(r.cpuPer1000Ms).toFixed(0)} | ${median(r.callsPerAnswer)} | ${r.kind === 'websocket' ? median(r.postsPerAnswer) : '—'} |`,
    ),
  ]
  console.log(lines.join('\n'))
  writeFileSync(fileURLToPath(new URL('./paths-report.md', import.meta.url)), lines.join('\n') + '\n')
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
