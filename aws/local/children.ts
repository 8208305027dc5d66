/**
 * Child processes of `npm run dev`: started with a prefixed output, stopped together, and the death of
 * any one of them reported so the whole session can end instead of half-running.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface Child {
  name: string
  process: ChildProcess
  /** Resolves with the exit code (signal deaths give 1). */
  exited: Promise<number>
}

export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Child {
  // Its own process group: stopping it stops what it started too (wrangler's workerd and esbuild,
  // vite's esbuild), even after it has died itself and left them behind.
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => print(line))
  }
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? 1))
    child.once('error', (err) => {
      print(`${name} could not start: ${err.message}`)
      resolve(1)
    })
  })
  return { name, process: child, exited }
}

/**
 * Stops the child's whole process group: SIGTERM, then SIGKILL after `graceMs` to whatever is left.
 * The group outlives its leader when the leader died first (wrangler killed: its workerd keeps the
 * port), which is why this does not stop at the leader's exit.
 */
export async function stopChild(c: Child, graceMs = 5000): Promise<void> {
  const pgid = c.process.pid
  if (pgid === undefined) return
  if (!signalGroup(pgid, 'SIGTERM')) return
  await Promise.race([c.exited, new Promise((r) => setTimeout(r, graceMs))])
  // The leader is gone; its group may not be (or it ignored SIGTERM).
  const end = Date.now() + graceMs
  while (groupAlive(pgid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
  signalGroup(pgid, 'SIGKILL')
  await c.exited
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // no such group: everything in it has exited
  }
}

const groupAlive = (pgid: number) => signalGroup(pgid, 0 as unknown as NodeJS.Signals)

/** Runs a command to completion with inherited output (the build step of `npm run preview`). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' })
    child.once('exit', (code) => resolve(code ?? 1))
    child.once('error', () => resolve(1))
  })
}

/** Polls `url` until it answers (any status), or gives up after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, stillAlive: () => boolean): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end && stillAlive()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await res.body?.cancel()
      return true
    } catch {
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  return false
}

/**
 * The command run under `sh` with its open-file limit raised first (`ulimit -n`): wrangler's dev proxy
 * holds several descriptors per open stream (the client's socket, its connection to workerd, workerd's
 * to the upstream), so a soft limit of 256 (macOS's default) or 1,024 (many Linux logins) ends the
 * preview's answers at about 200 parallel streams. The soft limit goes to 65,536, or else to what the
 * hard limit allows; the child and its own children (workerd) inherit it. `exec` keeps one process.
 */
export function withOpenFileLimit(command: string, args: string[]): [string, string[]] {
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 10240 2>/dev/null; exec "$@"'
  return ['/bin/sh', ['-c', script, 'sh', command, ...args]]
}
