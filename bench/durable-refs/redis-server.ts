/**
 * A real Redis for the resumable-stream reference (bench/durable-refs/resumable-stream.ts): Debian's
 * `redis-server` (7.0.15 on the project's machines) started by the bench on 127.0.0.1 at a free port,
 * no persistence (`--save '' --appendonly no`: resumable-stream keeps no stream data in Redis, only a
 * sentinel key and pub/sub), and killed by the bench. Where the binary is missing the bench says so.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { delimiter, join } from 'node:path'
import { createClient } from 'redis'

export interface RunningRedis {
  url: string
  pid: number
  version: string
  /** Calls per command since the server started (INFO commandstats), e.g. { set: 2, incr: 1, publish: 5 }. */
  commandCalls(): Promise<Record<string, number>>
  stop(): Promise<void>
}

/** `redis-server` on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'redis-server')
    if (dir && existsSync(path)) return path
  }
  return undefined
}

/** A port no one listens on now (the OS's pick); Redis cannot take port 0 itself (`--port 0` turns TCP off). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

export async function startRedis(binary: string): Promise<RunningRedis> {
  const port = await freePort()
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString()
      if (output.includes('Ready to accept connections')) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-300)}`)))
    child.once('error', reject)
  })
  const url = `redis://127.0.0.1:${port}`
  const admin = createClient({ url })
  await admin.connect()
  const info = await admin.info('server')
  return {
    url,
    pid: child.pid!,
    version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    async commandCalls() {
      const stats = await admin.info('commandstats')
      // cmdstat_set:calls=2,usec=…
      return Object.fromEntries([...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]))
    },
    async stop() {
      await admin.quit().catch(() => {})
      child.kill('SIGTERM')
      await exited
    },
  }
}
