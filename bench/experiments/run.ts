/**
 * `npx tsx bench/experiments/run.ts [name…]`: the ways a Worker can relay a stream, measured side by
 * side with the floor — workerd CPU per chunk, latency and coalescing of chunks 10 ms apart, and what
 * the client gets when the upstream breaks mid-stream (socket destroyed after half an event).
 * Writes bench/experiments/results.md (EXP_OUT=<file> writes elsewhere, for a trial run). Each
 * experiment is one file here; see its first line.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startTestUpstream, TEST_API_KEY } from '../../e2e/test-upstream'
import { makeAgent } from '../client'
import { configFor } from '../config'
import { cpuSuite } from '../suites/cpu'
import { latencySuite } from '../suites/latency'
import { startUpstream } from '../upstream'
import { direct, floor, workerFrom, type Variant } from '../variants'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const all = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !['common.ts', 'run.ts'].includes(f)).map((f) => f.slice(0, -3))

/** What a client receives through `name` when the upstream sends an event, half of another, then cuts (e2e's `break`). */
async function onBreak(name: string): Promise<string> {
  const server = await startTestUpstream()
  const v = await workerFrom(name, `${HERE}${name}.ts`, { ...server, apiKey: TEST_API_KEY })
  try {
    const res = await fetch(v.url, { method: 'POST', body: JSON.stringify({ prompt: 'break' }), signal: AbortSignal.timeout(3000) })
    const text = await res.text()
    return text.includes('event: error') ? 'error event appended' : 'ends without an error event'
  } catch (e) {
    return e instanceof Error && e.name === 'TimeoutError' ? 'hangs (no end within 3 s)' : 'client read fails'
  } finally {
    await v.stop()
    await server.stop()
  }
}

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : all
  const up = await startUpstream()
  const agent = makeAgent()
  const variants: Variant[] = [direct(up), await floor(up)]
  for (const n of names) variants.push(await workerFrom(n, `${HERE}${n}.ts`, up))
  const config = configFor('full')
  config.cpu.batches = 4
  config.latency.runs = 2
  const ctx = { config, upstream: up, variants, agent, log: (m: string) => console.error(`[experiments] ${m}`) }
  const cpu = await cpuSuite(ctx)
  const lat = await latencySuite(ctx)
  agent.destroy()
  for (const v of variants) await v.stop()
  await up.stop()
  const rows: string[] = []
  for (const v of variants.slice(1)) {
    const what = v.name === 'floor' ? 'new Response(upstream.body)' : readFileSync(`${HERE}${v.name}.ts`, 'utf8').split('\n')[0].replace(/^\/\/ /, '')
    const c = cpu[v.name]
    rows.push(
      `| ${v.name} | ${what} | ${c.usPerChunk.toFixed(1)} | ${(c.schedMsPerAnswer.median / cpu.floor.schedMsPerAnswer.median).toFixed(2)}× | ` +
        `${lat[v.name].added.median.toFixed(3)} | ${lat[v.name].coalesced.chunks} / ${lat[v.name].coalesced.of} | ${v.name === 'floor' ? '(not tested)' : await onBreak(v.name)} |`,
    )
  }
  const md = [
    '# Relay experiments',
    '',
    `Written by \`npx tsx bench/experiments/run.ts\` at ${new Date().toISOString()}. CPU: ${config.cpu.batches} batches of ${config.cpu.concurrent} answers of ` +
      `${config.cpu.stream.n} chunks per variant (workerd schedstat); latency: ${config.latency.runs} streams of ${config.latency.stream.n} chunks 10 ms apart; ` +
      'on break: the upstream sends one event and half of another, then destroys its socket.',
    '',
    '| experiment | what it does | CPU µs / chunk | ×floor | added latency median ms | coalesced | on an upstream break |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
  writeFileSync(process.env.EXP_OUT ?? `${HERE}results.md`, md)
  console.log(md)
}

await main()
