/**
 * What cleans up when `npm run dev` / `npm run preview` itself dies without a chance to (SIGKILL, a
 * crash in native code, the OOM killer): a small detached Node process that holds the other end of a
 * pipe from it. Told each child it must not outlive the session (a process group, or one process), it
 * waits for the pipe to close — which the kernel does when its parent dies, however it dies — and then
 * ends them: SIGTERM, SIGKILL after a grace period. When the session ends normally the children are
 * already gone and the signals find nobody.
 *
 * Hand-written: Node has no parent-death signal (Linux's PR_SET_PDEATHSIG), and no such package is a
 * dependency here; the script is a dozen lines, passed to `node -e`.
 */
import { spawn, type ChildProcess } from 'node:child_process'

// Reads "pid\n" (a process) or "-pgid\n" (a group) lines; on end of input, signals them all.
const SCRIPT = `
let text = ''
const targets = new Set()
process.stdin.setEncoding('utf8')
process.stdin.on('data', (c) => { text += c; const lines = text.split('\\n'); text = lines.pop(); for (const l of lines) if (/^-?\\d+$/.test(l)) targets.add(Number(l)) })
const signal = (s) => { let alive = 0; for (const t of targets) { try { process.kill(t, s); alive++ } catch {} } return alive }
process.stdin.on('end', () => { if (signal('SIGTERM') === 0) process.exit(0); setTimeout(() => { signal('SIGKILL'); process.exit(0) }, Number(process.argv[1])) })
`

export interface Reaper {
  /** Ends this process when the session dies. */
  watch(pid: number | undefined): void
  /** Ends this process group (a child spawned `detached`) when the session dies. */
  watchGroup(pgid: number | undefined): void
  /** The session ended by itself: the reaper leaves without signalling anyone. */
  dismiss(): void
}

export function startReaper(graceMs = 3000): Reaper {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, String(graceMs)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] })
  child.unref()
  // Not to be waited for: the pipe must not keep this process alive either.
  ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  child.stdin?.on('error', () => {})
  const send = (n: number | undefined) => {
    if (n !== undefined && child.stdin?.writable) child.stdin.write(`${n}\n`)
  }
  return {
    watch: (pid) => send(pid),
    watchGroup: (pgid) => send(pgid === undefined ? undefined : -pgid),
    dismiss: () => {
      child.kill('SIGKILL')
    },
  }
}
