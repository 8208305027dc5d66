/**
 * `npx tsx bench/websocket-coalescing.ts`: what coalescing PostToConnection calls costs and saves on
 * the websocket path (aws/lambda/websocket/connection-writer.ts). Per setting (WS_FLUSH_BYTES /
 * WS_FLUSH_MS), answers of about 1,000 text chunks through the local cloud's WebSocket API and the
 * real WebSocket function, read by a signed client as the Worker reads them:
 * - posts per answer: PostToConnection calls (each a billed WebSocket message and a round trip);
 * - time to first text, from sending `invoke`;
 * - added delay per chunk: how much later than the agent's pace a chunk arrives, on average: chunk i's
 *   arrival minus i × the agent's gap (1000 / chunks per second), less the smallest such value (the
 *   path's own latency, which the chunk posted soonest shows). Batching and a backlog of posts both show here;
 * - last text: when the answer's last chunk arrived (the agent alone needs 1,076 / tps seconds).
 * Options: --answers=N (default 3), --settings=0:0,8192:50 (bytes:ms), --tps=N (the agent's chunks per second,
 * default 400; 50 is the README's stated 20 s answer), --out=file.md (default bench/websocket-coalescing.md).
 * Local figures on a shared machine (a post here is a loopback HTTP call, tens of ms in AWS).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { AwsClient } from 'aws4fetch'
import { createParser } from 'eventsource-parser'
import WebSocket from 'ws'
import { LOCAL_REGION, startLocalCloud, type LocalCloud } from '../aws/local/cloud'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const ANSWERS = Number(arg('answers') ?? 3)
const SETTINGS = (arg('settings') ?? '1:0,1024:10,8192:50,32768:200').split(',').map((s) => s.split(':').map(Number) as [number, number])
const TOKENS_PER_SECOND = Number(arg('tps') ?? 400)
const PROMPT = 'Benchmark answer words:1000'

interface Answer {
  posts: number
  chunks: number
  firstMs: number
  /** Each text chunk's arrival, ms after sending invoke. */
  arrivals: number[]
}

async function answer(cloud: LocalCloud, n: number): Promise<Answer> {
  const url = cloud.webSocketApi.url
  const signed = await new AwsClient({ ...cloud.workerKeys, service: 'execute-api', region: LOCAL_REGION, retries: 0 }).sign(url.replace(/^ws/, 'http'), { method: 'GET' })
  const ws = new WebSocket(url, { headers: Object.fromEntries(signed.headers) })
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  const arrivals: number[] = []
  let posts = 0
  let sent = 0
  const done = new Promise<void>((resolve) => {
    const parser = createParser({
      onEvent: (e) => {
        if (e.event === 'text') arrivals.push(performance.now() - sent)
        if (e.event === 'done') resolve()
      },
    })
    ws.on('message', (data) => {
      posts++
      parser.feed(data.toString())
    })
  })
  sent = performance.now()
  ws.send(JSON.stringify({ action: 'invoke', prompt: PROMPT, sessionId: `bench-coalescing-${n}-`.padEnd(40, 'x') }))
  await done
  ws.close()
  return { posts, chunks: arrivals.length, firstMs: arrivals[0] ?? NaN, arrivals }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

async function main() {
  const results: Array<{ bytes: number; ms: number; answers: Answer[] }> = []
  let built = false
  let n = 0
  for (const [bytes, ms] of SETTINGS) {
    const cloud = await startLocalCloud({
      build: !built,
      lambdaWarm: 0,
      agent: { offline: { firstTokenMs: 50, tokensPerSecond: TOKENS_PER_SECOND } },
      webSocketEnv: { WS_FLUSH_BYTES: String(bytes), WS_FLUSH_MS: String(ms) },
    })
    built = true
    const answers: Answer[] = []
    try {
      for (let i = -1; i < ANSWERS; i++) {
        const a = await answer(cloud, n++)
        if (i >= 0) answers.push(a)
      }
    } finally {
      await cloud.stop()
    }
    results.push({ bytes, ms, answers })
    console.log(`${bytes} B / ${ms} ms: done`)
  }
  const gap = 1000 / TOKENS_PER_SECOND
  const addedDelay = (a: Answer) => {
    const lags = a.arrivals.map((t, i) => t - i * gap)
    return mean(lags) - Math.min(...lags)
  }
  const lines = [
    `WebSocket path, PostToConnection coalescing: ${ANSWERS} answers of ~1,000 text chunks (offline model, ${TOKENS_PER_SECOND} chunks/s) per setting, through the local WebSocket API and the real function; medians; ${new Date().toISOString()}.`,
    '',
    '| flush at (bytes / ms) | text chunks | posts per answer | chunks per post | time to first text (ms) | added delay per chunk (ms) | last text (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => {
      const posts = median(r.answers.map((a) => a.posts))
      const chunks = median(r.answers.map((a) => a.chunks))
      const last = median(r.answers.map((a) => a.arrivals.at(-1) ?? NaN))
      return `| ${r.bytes} / ${r.ms} | ${chunks} | ${posts} | ${(chunks / posts).toFixed(1)} | ${median(r.answers.map((a) => a.firstMs)).toFixed(0)} | ${median(r.answers.map(addedDelay)).toFixed(1)} | ${last.toFixed(0)} |`
    }),
    '',
    'A post is one billed WebSocket message (API Gateway counts messages in 32 KB units) and one HTTP call from the function; ' +
      'a batch makes a chunk wait at most its time bound; posting every chunk (1 / 0) falls behind the agent, as each post waits for the one before. ' +
      'The default is 8 KB / 50 ms.',
  ]
  console.log(lines.join('\n'))
  writeFileSync(fileURLToPath(new URL(`./${arg('out') ?? 'websocket-coalescing.md'}`, import.meta.url)), lines.join('\n') + '\n')
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
