/**
 * The Lambda proxy's own costs: CPU per chunk of its agent-stream normalizer (aws/lambda/agent-stream.ts)
 * fed a recorded agent stream, the bundle's size (the esbuild options the CDK deploys), and module-init
 * time (importing the bundle in a fresh node process, as a cold start does before the first invoke).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import type { BenchConfig } from '../config'
import { summarize, type Summary } from '../stats'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TMP = `${ROOT}bench/results/tmp/lambda`

export interface LambdaFigures {
  normalizer: { stream: string; chunks: number; events: number; usPerChunk: Summary }[]
  bundle: { bytes: number; gzipBytes: number; file: string }
  moduleInitMs: Summary
}

/** One agent message per chunk, framed by AWS's own BedrockAgentCoreApp (its real SSE framing). */
async function recordedStreams(events: number): Promise<{ name: string; chunks: Uint8Array[] }[]> {
  const words = 'The quick brown fox jumps over the lazy dog, and **then** some `code` follows.'.split(' ')
  // Our agent yields the protocol's events as SSE messages (aws/agent/turn.ts).
  const ours: unknown[] = Array.from({ length: events }, (_, i) => ({ event: 'text', data: { text: words[i % words.length] + ' ' } }))
  ours.push({ event: 'usage', data: { inputTokens: 10, outputTokens: events } }, { event: 'done', data: { stopReason: 'end_turn' } })
  const strands: unknown[] = Array.from({ length: events }, (_, i) => ({
    event: { contentBlockDelta: { delta: { text: words[i % words.length] + ' ' }, contentBlockIndex: 0 } },
  }))
  strands.push({ event: { messageStop: { stopReason: 'end_turn' } } })
  const { recordAgentCoreApp } = await import('../../aws/lambda/test/record-agentcore-app')
  const split = (bytes: Uint8Array) => {
    // Cut at frame boundaries (blank lines): one agent write per chunk, as they arrive.
    const text = new TextDecoder().decode(bytes)
    return text
      .split(/(?<=\n\n)/)
      .filter((s) => s.length > 0)
      .map((s) => new TextEncoder().encode(s))
  }
  return [
    { name: "this project's agent (the protocol's events)", chunks: split(await recordAgentCoreApp(ours)) },
    { name: 'Strands raw model events (contentBlockDelta)', chunks: split(await recordAgentCoreApp(strands)) },
  ]
}

async function normalizerCost(events: number, rounds: number) {
  const { createAgentStreamNormalizer } = await import('../../aws/lambda/agent-stream')
  const out: LambdaFigures['normalizer'] = []
  for (const { name, chunks } of await recordedStreams(events)) {
    const perChunk: number[] = []
    let produced = 0
    for (let r = 0; r < rounds + 1; r++) {
      const before = process.cpuUsage()
      const n = createAgentStreamNormalizer()
      let count = 0
      for (const c of chunks) count += n.push(c).length
      count += n.end().length
      const used = process.cpuUsage(before)
      if (r > 0) perChunk.push((used.user + used.system) / chunks.length) // round 0 warms the JIT
      produced = count
    }
    out.push({ stream: name, chunks: chunks.length, events: produced, usPerChunk: summarize(perChunk) })
  }
  return out
}

async function bundleFigures(inits: number): Promise<Pick<LambdaFigures, 'bundle' | 'moduleInitMs'>> {
  mkdirSync(TMP, { recursive: true })
  const { buildLambda } = await import('../../aws/lambda/build')
  const { outfile, bytes } = await buildLambda(TMP)
  // aws-lambda-ric defines the `awslambda` global before it imports the handler; so does this stub.
  const probe = `${TMP}/init-probe.mjs`
  writeFileSync(
    probe,
    [
      `globalThis.awslambda = { streamifyResponse: (f) => f, HttpResponseStream: { from: (s) => s } }`,
      `const t = performance.now()`,
      `await import(${JSON.stringify(outfile)})`,
      `console.log(performance.now() - t)`,
    ].join('\n'),
  )
  const times: number[] = []
  for (let i = 0; i < inits; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [probe], { env: { ...process.env, AWS_REGION: 'us-east-1' } })
    times.push(Number(stdout.trim()))
  }
  return {
    bundle: { bytes, gzipBytes: gzipSync(readFileSync(outfile)).length, file: 'aws/lambda/dist/index.mjs (same esbuild options)' },
    moduleInitMs: summarize(times),
  }
}

export async function lambdaSuite(config: BenchConfig, log: (m: string) => void): Promise<LambdaFigures> {
  const normalizer = await normalizerCost(config.lambda.events, config.lambda.rounds)
  log('lambda normalizer measured')
  const b = await bundleFigures(config.lambda.inits)
  log('lambda bundle measured')
  return { normalizer, ...b }
}
