/**
 * `npm run bench`: one run, one machine, every figure of issue 5; writes bench/report.md and
 * bench/report.json. Flags: --smoke (tiny sizes; writes under bench/results/tmp/ unless --out),
 * --only=latency,ttfb,cpu,throughput,concurrency,lambda,page,disconnect,load,paths,durable,refs, --variants=direct,floor,relay-floor,reference,project,
 * --out=<dir>, --no-build (use the existing dist/ build of the project's Worker), --project=api (bundle
 * the HonoX routes of app/routes/api instead of building), --no-priority (by default the bench and its workerd processes
 * run at nice −10 where permitted, so a shared machine's other work disturbs the figures less).
 * BENCH_CONFIG='{"latency":{"runs":3}}' overrides any size (see config.ts).
 * `durable` (or `refs` alone) also measures the resumable designs of bench/durable-refs/ in the same run:
 * resumable-stream needs redis-server on PATH, the agents reference `npm run bench:refs-setup`; each says
 * "not run" and why when it cannot run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { makeAgent } from './client'
import { configFor, type BenchConfig } from './config'
import type { BenchContext } from './context'
import { renderMarkdown } from './report'
import { concurrencySuite } from './suites/concurrency'
import { cpuSuite } from './suites/cpu'
import { disconnectSuite } from './suites/disconnect'
import { durableSuite } from './suites/durable'
import { durableRefsSuite } from './durable-refs/suite'
import { lambdaSuite } from './suites/lambda'
import { loadSuite } from './suites/load'
import { latencySuite, ttfbSuite } from './suites/latency'
import { pageSuite } from './suites/page'
import { pathsSuite } from './suites/paths'
import { throughputSuite } from './suites/throughput'
import { startUpstream } from './upstream'
import { setProcessPriority } from './proc'
import { checkTargets } from './targets'
import { startVariant, workerdVersion, type ProjectOptions, type Variant, type VariantName } from './variants'

export const SUITES = ['latency', 'ttfb', 'cpu', 'throughput', 'concurrency', 'lambda', 'page', 'disconnect', 'load', 'paths', 'durable', 'refs'] as const

export type SuiteName = (typeof SUITES)[number]

export interface BenchOptions {
  config: BenchConfig
  only?: SuiteName[]
  /** How the project's Worker is made (see ProjectOptions); default: build it. */
  projectSource?: ProjectOptions['source']
  log?: (m: string) => void
  /** Raise the scheduling priority (nice −10) of this process and the workerd processes: a shared machine's other work then disturbs the figures less. */
  priority?: boolean
}

export interface BenchReport {
  meta: Record<string, unknown>
  results: Partial<Record<SuiteName | 'targets', unknown>>
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const { config } = opts
  const only = new Set<SuiteName>(opts.only ?? SUITES)
  const log = opts.log ?? ((m: string) => console.error(`[bench] ${m}`))
  const started = new Date()
  const meta: Record<string, unknown> = {
    command: config.mode === 'smoke' ? 'npm run bench -- --smoke' : 'npm run bench',
    mode: config.mode,
    startedAt: started.toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), loadavgBefore: loadavg() },
    node: process.version,
    workerd: await workerdVersion(),
    config,
  }
  if (opts.priority) setProcessPriority(process.pid, -10)
  meta.priority = opts.priority ? 'nice -10 (bench process and workerd processes)' : 'default'
  const results: BenchReport['results'] = {}
  const needsStreams = ['latency', 'ttfb', 'cpu', 'throughput', 'concurrency', 'durable', 'refs'].some((s) => only.has(s as SuiteName))
  let projectBuild: string | undefined

  if (needsStreams) {
    const upstream = await startUpstream()
    const agent = makeAgent()
    const variants: Variant[] = []
    try {
      for (const name of config.variants) {
        const v = await startVariant(name, upstream, { source: opts.projectSource ?? 'build', log })
        variants.push(v)
        if (opts.priority && v.pid) setProcessPriority(v.pid, -10)
        log(`started ${name}${v.pid ? ` (workerd pid ${v.pid})` : ''}`)
      }
      projectBuild = variants.find((v) => v.name === 'project')?.build
      const ctx: BenchContext = { config, upstream, variants, agent, log }
      if (only.has('latency')) results.latency = await latencySuite(ctx)
      if (only.has('ttfb')) results.ttfb = await ttfbSuite(ctx)
      if (only.has('cpu')) results.cpu = await cpuSuite(ctx)
      if (only.has('throughput')) results.throughput = await throughputSuite(ctx)
      if (only.has('concurrency')) results.concurrency = await concurrencySuite(ctx)
      // The durable path beside the floors: takes this run's cpu and latency figures when they ran.
      if (only.has('durable')) results.durable = await durableSuite(ctx, results as Parameters<typeof durableSuite>[1], { source: opts.projectSource ?? 'build', log })
      // The resumable designs people compare it with, in the same run (bench/durable-refs/): with `durable`, or alone as `refs`.
      if ((only.has('durable') || only.has('refs')) && config.refs.references.length) results.refs = await durableRefsSuite(ctx, config.refs.references)
    } finally {
      agent.destroy()
      for (const v of variants) await v.stop().catch(() => {})
      await upstream.stop()
    }
  }
  if (only.has('lambda')) results.lambda = await lambdaSuite(config, log)
  if (only.has('page')) results.page = await pageSuite(config, log)
  if (only.has('disconnect')) results.disconnect = await disconnectSuite(config, log)
  if (only.has('load')) {
    // The streams' suites built the project already (when they ran): use that build.
    const source = projectBuild && (opts.projectSource ?? 'build') === 'build' ? 'existing' : (opts.projectSource ?? 'build')
    const load = await loadSuite(config, log, { projectSource: source })
    results.load = load
    projectBuild ??= load.build
  }
  if (only.has('paths')) results.paths = await pathsSuite(config, log)

  ;(results as any).targets = checkTargets(results as any)
  meta.projectBuild = projectBuild
  meta.finishedAt = new Date().toISOString()
  meta.seconds = Math.round((Date.now() - started.getTime()) / 1000)
  ;(meta.machine as any).loadavgAfter = loadavg()
  return { meta, results }
}

export function writeReport(report: BenchReport, dir: string): { md: string; json: string } {
  mkdirSync(dir, { recursive: true })
  const json = `${dir}/report.json`
  const md = `${dir}/report.md`
  writeFileSync(json, JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n')
  writeFileSync(md, renderMarkdown(report))
  return { md, json }
}

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const smoke = argv.includes('--smoke')
  return {
    smoke,
    only: flag('only')?.split(',') as SuiteName[] | undefined,
    variants: flag('variants')?.split(',') as VariantName[] | undefined,
    out: flag('out') ?? (smoke ? `${ROOT}bench/results/tmp/smoke` : `${ROOT}bench`),
    priority: !argv.includes('--no-priority'),
    projectSource: (flag('project') ?? (argv.includes('--no-build') ? 'existing' : 'build')) as ProjectOptions['source'],
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2))
  const config = configFor(args.smoke ? 'smoke' : 'full')
  if (args.variants) config.variants = args.variants
  const report = await runBench({ config, only: args.only, projectSource: args.projectSource, priority: args.priority })
  const { md, json } = writeReport(report, args.out)
  console.log(`bench: wrote ${md} and ${json} in ${report.meta.seconds} s`)
}
