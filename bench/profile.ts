/**
 * `npx tsx bench/profile.ts [variant…]`: why a variant costs what it costs, per streamed chunk —
 * workerd CPU (schedstat), context switches (/proc/<pid>/task/*\/status) and system calls (strace -c -f,
 * in a separate batch, since tracing slows the process). Variants: floor, relay-floor, reference, project,
 * project@<rev>, or a path to a Worker entry (.ts). Writes bench/profile.md (and prints it).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeAgent, runStream } from './client'
import { rotated } from './context'
import { cpuDelta, cpuSample } from './proc'
import { median } from './stats'
import { startUpstream, type StreamSpec } from './upstream'
import { startVariant, type Variant } from './variants'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function contextSwitches(pid: number): number {
  let n = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')
      n += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(s)![1]) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(s)![1])
    } catch {
      // thread gone
    }
  }
  return n
}

async function traced(pid: number, work: () => Promise<unknown>): Promise<Map<string, number>> {
  const strace = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let out = ''
  strace.stderr.on('data', (b) => (out += b))
  await new Promise((r) => setTimeout(r, 500)) // attach to every thread
  await work()
  strace.kill('SIGINT')
  await new Promise((r) => strace.on('close', r))
  const calls = new Map<string, number>()
  for (const line of out.split('\n')) {
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line)
    if (m && m[2] !== 'total') calls.set(m[2], Number(m[1]))
  }
  return calls
}

/** Where workerd's samples fall (perf record, leaf frame), grouped: kernel, kj I/O, V8, bindings, GC, allocator. */
async function perfBreakdown(pid: number, work: () => Promise<unknown>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-perf-'))
  const data = join(dir, 'perf.data')
  let report = ''
  try {
    const perf = spawn('perf', ['record', '-q', '-F', '2000', '-o', data, '-p', String(pid)], { stdio: 'ignore' })
    await new Promise((r) => setTimeout(r, 500))
    await work()
    perf.kill('SIGINT')
    await new Promise((r) => perf.on('close', r))
    try {
      report = execFileSync('perf', ['report', '-i', data, '--no-children', '--sort', 'sym', '--stdio', '-g', 'none'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 64 * 1024 * 1024,
      })
    } catch {
      return 'perf unavailable'
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const groups = new Map<string, number>()
  for (const line of report.split('\n')) {
    const m = /^\s+([\d.]+)%\s+\[(.)\]\s+(.*)$/.exec(line)
    if (!m) continue
    const [pct, kind, sym] = [Number(m[1]), m[2], m[3]]
    const group =
      kind === 'k' ? 'kernel'
      : /tcmalloc|malloc/.test(sym) ? 'allocator'
      : /GlobalHandles|Heap|Scavenge|MarkCompact|Sweeper|cppgc/.test(sym) ? 'V8 GC/handles'
      : /^v8::|Builtins_|Runtime_|^0x/.test(sym) ? 'V8'
      : /workerd::jsg|workerd::api/.test(sym) ? 'JS bindings'
      : /^kj::|capnp/.test(sym) ? 'kj I/O'
      : 'other'
    groups.set(group, (groups.get(group) ?? 0) + pct)
  }
  return [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([g, p]) => `${g} ${p.toFixed(0)}%`)
    .join(', ')
}

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : ['floor', 'relay-floor', 'reference', 'project']
  const up = await startUpstream()
  const agent = makeAgent()
  const spec: StreamSpec = { n: 1_000, size: 100, intervalMs: 1 }
  const concurrent = 4
  const rows: string[] = []
  const variants: Variant[] = []
  try {
    for (const name of names) variants.push(await startVariant(name, up, { source: 'existing' }))
    const batchOf = (v: Variant) => () => Promise.all(Array.from({ length: concurrent }, () => runStream(v, spec, agent)))
    const cpu = new Map(variants.map((v) => [v.name, [] as number[]]))
    const cs = new Map(variants.map((v) => [v.name, [] as number[]]))
    for (const v of variants) await batchOf(v)()
    // CPU and context switches first, the variants in turn (order rotated each round), untraced.
    for (let i = 0; i < 5; i++) {
      for (const v of rotated(variants, i)) {
        const c0 = cpuSample(v.pid!)
        const s0 = contextSwitches(v.pid!)
        await batchOf(v)()
        await new Promise((r) => setTimeout(r, 50))
        cpu.get(v.name)!.push(cpuDelta(c0, cpuSample(v.pid!)).schedMs)
        cs.get(v.name)!.push(contextSwitches(v.pid!) - s0)
      }
    }
    for (const v of variants) {
      const pid = v.pid!
      const batch = batchOf(v)
      const calls = await traced(pid, batch)
      const where = await perfBreakdown(pid, batch)
      const chunks = spec.n * concurrent
      const total = [...calls.values()].reduce((a, b) => a + b, 0)
      const top = [...calls.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([k, n]) => `${k} ${(n / chunks).toFixed(2)}`)
        .join(', ')
      rows.push(`| ${v.name} | ${((median(cpu.get(v.name)!) * 1000) / chunks).toFixed(1)} | ${(median(cs.get(v.name)!) / chunks).toFixed(2)} | ${(total / chunks).toFixed(2)} | ${top} | ${where} |`)
      console.error(`[profile] ${v.name} done`)
    }
  } finally {
    agent.destroy()
    for (const v of variants) await v.stop()
    await up.stop()
  }
  const md = [
    '# Where a streamed chunk\'s cost goes',
    '',
    `Written by \`npx tsx bench/profile.ts ${names.join(' ')}\` at ${new Date().toISOString()}: ${concurrent} concurrent answers of ${spec.n} chunks ` +
      `(${spec.size} B, ${spec.intervalMs} ms apart) per variant, each in its own workerd. Per chunk: CPU of the workerd process (median of 5 batches, variants in turn), ` +
      'context switches of its threads, system calls (strace -c -f, a separate batch), and where its CPU samples fall ' +
      '(perf record, leaf frames, another batch: kernel, kj I/O = the runtime\'s native event loop and HTTP, V8 = JavaScript and promises, ' +
      'JS bindings = workerd\'s streams API glue, V8 GC/handles, allocator).',
    '',
    '| variant | CPU µs / chunk | context switches / chunk | syscalls / chunk | top syscalls / chunk | CPU samples by kind |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
  writeFileSync(`${ROOT}bench/profile.md`, md)
  console.log(md)
}

await main()
