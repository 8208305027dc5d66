/**
 * The workerd process's own counters, read from Linux /proc: CPU time (utime+stime in clock ticks,
 * and the scheduler's nanosecond run time summed over threads) and memory (RSS, peak RSS).
 * Linux-only by nature; the bench says so when /proc is missing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { setPriority } from 'node:os'

const CLOCK_TICKS_PER_S = 100 // getconf CLK_TCK on Linux x86_64/arm64

/** /proc/<pid>/stat: the command name (in parentheses; it may contain spaces) and the fields after it. */
function stat(pid: number | string): { comm: string; fields: string[] } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const close = text.lastIndexOf(')')
  return { comm: text.slice(text.indexOf('(') + 1, close), fields: text.slice(close + 2).split(' ') }
}

/**
 * The command names a Node process shows in /proc: Node 24 names its main thread "MainThread", and
 * a process's command name is its main thread's.
 */
export const NODE_COMMS = ['node', 'MainThread']

/** Pids of the direct children of `parent` whose command name is `comm` (or one of them). */
export function childPids(parent: number, comm: string | string[]): number[] {
  const comms = typeof comm === 'string' ? [comm] : comm
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const s = stat(entry)
      // After the name: state(0) ppid(1)
      if (Number(s.fields[1]) === parent && comms.includes(s.comm)) pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

export interface CpuSample {
  /** utime + stime, in ms (10 ms resolution). */
  statMs: number
  /** Sum of the threads' scheduler run time (/proc/<pid>/task/<tid>/schedstat), in ms (ns resolution). */
  schedMs: number
}

export function cpuSample(pid: number): CpuSample {
  const f = stat(pid).fields
  // After the name: state(0) ppid(1) ... utime(11) stime(12)
  const statMs = ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_S
  let schedNs = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      schedNs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // thread ended
    }
  }
  return { statMs, schedMs: schedNs / 1e6 }
}

export function cpuDelta(a: CpuSample, b: CpuSample): CpuSample {
  return { statMs: b.statMs - a.statMs, schedMs: b.schedMs - a.schedMs }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
  return m ? Number(m[1]) : NaN
}

export const rssKb = (pid: number) => statusKb(pid, 'VmRSS')
export const peakRssKb = (pid: number) => statusKb(pid, 'VmHWM')

/** Resets the process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** Samples RSS every `everyMs` until stopped; returns the highest value seen (kB). */
export function sampleRss(pid: number, everyMs = 10): { stop(): number } {
  let peak = rssKb(pid)
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKb(pid))
    } catch {
      // process gone; keep the peak we have
    }
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return peak
    },
  }
}

/** Sets the nice value of every thread of `pid` (Linux's priority is per thread). */
export function setProcessPriority(pid: number, nice: number): void {
  // node:os setPriority(pid) is setpriority(PRIO_PROCESS, tid)
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), nice)
    } catch {
      // thread ended, or not permitted: the report still says what was asked
    }
  }
}
