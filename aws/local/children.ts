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
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
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

/** SIGTERM, then SIGKILL after `graceMs` if it is still there. */
export async function stopChild(c: Child, graceMs = 5000): Promise<void> {
  if (c.process.exitCode !== null || c.process.signalCode !== null) return
  c.process.kill('SIGTERM')
  const timer = setTimeout(() => c.process.kill('SIGKILL'), graceMs)
  await c.exited
  clearTimeout(timer)
}

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
