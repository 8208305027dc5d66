/**
 * Starts the resumable-stream reference: a real Redis (redis-server.ts) and the reference's server
 * (resumable-server.ts) in its own Node process, in front of the bench's synthetic upstream.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { runStream } from '../client'
import { promptFor, type StreamSpec, type Upstream } from '../upstream'
import { findRedisServer, startRedis } from './redis-server'
import type { Reference } from './reference'
import { seqOf, sseText } from './sse-text'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The installed version (resumable-stream's exports map hides its package.json from require.resolve). */
const packageVersion = (name: string) => JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version as string

/** The reference, or why it cannot run here. */
export async function startResumableStream(up: Upstream, agent: Agent): Promise<Reference | { notRun: string }> {
  const binary = findRedisServer()
  if (!binary) return { notRun: 'redis-server not found' }
  const redis = await startRedis(binary)
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./resumable-server.ts', import.meta.url))], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redis.url, UPSTREAM_URL: up.invokeUrl, UPSTREAM_API_KEY: up.apiKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString()
        const line = out.split('\n').find((l) => l.startsWith('{'))
        if (line) resolve(JSON.parse(line).port)
      })
      child.once('exit', (code) => reject(new Error(`the resumable-stream server exited (${code})`)))
    })
    const origin = `http://127.0.0.1:${port}`
    const url = `${origin}/api/invoke`
    const post = (spec: StreamSpec) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: promptFor(spec) }) })
    // The design has no Stop: a measured answer is ended at the upstream (its cancel endpoint), so the next round starts quiet.
    const cancelUpstream = (sessionId: string) =>
      fetch(up.cancelUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': up.apiKey }, body: JSON.stringify({ sessionId }) }).then((r) => r.body?.cancel())
    return {
      name: 'resumable-stream',
      describe: `resumable-stream ${packageVersion('resumable-stream')} (redis client ${packageVersion('redis')}) in Node ${process.version}, redis-server ${redis.version} on 127.0.0.1`,
      pids: [child.pid!, redis.pid],
      stream: (spec) => runStream({ url }, spec, agent),
      async resume(spec, seen) {
        const res = await post(spec)
        const id = res.headers.get('x-stream-id')!
        const first = sseText(res)
        let sessionId = ''
        let last = -1
        let chars = 0
        for (let texts = 0; texts < seen; ) {
          const e = await first.next()
          if (!e) throw new Error('the answer ended before the reader left')
          chars = e.end
          if (e.type === 'meta') sessionId = JSON.parse(e.data).sessionId
          if (e.type === 'text') (last = seqOf(e)), texts++
        }
        await first.cancel()
        const sent = performance.now()
        const back = sseText(await fetch(`${origin}/api/resume/${id}?skip=${chars}`))
        const next = await back.next()
        const ms = performance.now() - sent
        await back.cancel()
        await cancelUpstream(sessionId)
        return { ms, toMissedMs: ms, exact: seqOf(next) === last + 1 }
      },
      async storage(spec) {
        // Earlier answers' last commands first (a cancelled answer's producer finishes after its reader left).
        await new Promise((r) => setTimeout(r, 300))
        const before = await redis.commandCalls()
        await (await post(spec)).text()
        // The producer's last commands (the DONE sentinel, the unsubscribe) follow the end of the response.
        await new Promise((r) => setTimeout(r, 100))
        const after = await redis.commandCalls()
        const calls = Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)] as const).filter(([k, v]) => v > 0 && k !== 'info')
        return { writes: calls.reduce((n, [, v]) => n + v, 0), what: `Redis commands: ${calls.map(([k, v]) => `${k} ${v}`).join(', ')}` }
      },
      async stop() {
        child.kill('SIGTERM')
        await exited
        await redis.stop()
      },
    }
  } catch (e) {
    child.kill('SIGKILL')
    await redis.stop()
    throw e
  }
}
