/**
 * The variants under test, all behind the same synthetic upstream. Every Worker variant runs the
 * same way: its own workerd process started by Miniflare on 127.0.0.1, so each has a pid whose CPU
 * and memory counters are that variant's alone.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare, type WorkerOptions } from 'miniflare'
import { childPids } from './proc'
import { extractTree } from './tree'
import type { Upstream } from './upstream'

export type VariantName = 'direct' | 'floor' | 'reference' | 'project' | (string & {})

export interface Variant {
  name: VariantName
  /** The URL a client POSTs the prompt to. */
  url: string
  /** Extra request headers (the direct variant presents the upstream's API key itself). */
  headers?: Record<string, string>
  /** The workerd process (Worker variants only). */
  pid?: number
  stop(): Promise<void>
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** compatibility_date and flags from the project's wrangler.toml, so every Worker variant gets the same runtime. */
export function projectCompat(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const path = `${ROOT}wrangler.toml`
  const toml = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const date = toml.match(/^compatibility_date\s*=\s*"([^"]+)"/m)?.[1] ?? '2026-04-01'
  const flags = toml.match(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m)?.[1]
  return {
    compatibilityDate: date,
    compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [],
  }
}

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return out.outputFiles[0].text
}

/** Starts one Miniflare (one workerd process) and finds that process's pid. */
export async function startWorkerd(name: VariantName, options: WorkerOptions): Promise<Variant> {
  const before = new Set(childPids(process.pid, 'workerd'))
  const mf = new Miniflare({ host: '127.0.0.1', port: 0, ...(options as object) } as any)
  const base = await mf.ready
  const pids = childPids(process.pid, 'workerd').filter((p) => !before.has(p))
  if (pids.length !== 1) {
    await mf.dispose()
    throw new Error(`expected one new workerd process for ${name}, found ${pids.length}`)
  }
  return {
    name,
    url: new URL('/api/invoke', base).href,
    pid: pids[0],
    stop: () => mf.dispose(),
  }
}

function upstreamBindings(up: Upstream) {
  return { UPSTREAM_URL: up.invokeUrl, UPSTREAM_CANCEL_URL: up.cancelUrl, UPSTREAM_API_KEY: up.apiKey }
}

export function direct(up: Upstream): Variant {
  return { name: 'direct', url: up.invokeUrl, headers: { 'x-api-key': up.apiKey }, stop: async () => {} }
}

/** A Worker variant from one TypeScript entry, bundled with esbuild, behind the upstream. */
export async function workerFrom(name: VariantName, entry: string, up: Upstream): Promise<Variant> {
  return startWorkerd(name, {
    ...projectCompat(),
    modules: [{ type: 'ESModule', path: entry.replace(/\.ts$/, '.mjs'), contents: await bundle(entry) }],
    bindings: upstreamBindings(up),
  })
}

export const floor = (up: Upstream) => workerFrom('floor', `${ROOT}bench/workers/floor.ts`, up)
export const reference = (up: Upstream) => workerFrom('reference', `${ROOT}bench/workers/reference.ts`, up)

export interface ProjectOptions {
  /**
   * build: run `npm run build` and use dist/index.js (what deploys); existing: use dist/index.js as
   * it is; api: bundle the HonoX API sub-app (app/server/api.ts) with esbuild, mounted at /api as
   * HonoX mounts it — the same route code without a vite build and without writing to dist/ (the
   * test suite's smoke run uses it).
   */
  source: 'build' | 'existing' | 'api'
  log?: (m: string) => void
}

/**
 * This project's POST /api/invoke: the Worker with wrangler.toml's vars and compatibility settings,
 * pointed at the synthetic upstream. The rate limiter keeps its binding but gets a limit the
 * 1,000-stream run cannot reach.
 */
export async function project(up: Upstream, opts: ProjectOptions): Promise<Variant> {
  const dist = `${ROOT}dist`
  let modules: WorkerOptions['modules']
  if (opts.source === 'api' || !existsSync(`${ROOT}vite.config.ts`)) {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const dir = `${ROOT}bench/results/tmp`
    mkdirSync(dir, { recursive: true })
    const entry = `${dir}/api-entry.ts`
    writeFileSync(entry, `import { Hono } from 'hono'\nimport { api } from '../../../app/server/api'\nexport default new Hono().route('/api', api)\n`)
    modules = [{ type: 'ESModule', path: `${dir}/api-entry.mjs`, contents: await bundle(entry) }]
    projectBuild = 'esbuild bundle of app/server/api.ts mounted at /api'
  } else {
    if (opts.source === 'build') await runBuild(opts.log)
    modules = [{ type: 'ESModule', path: `${dist}/index.js`, contents: readFileSync(`${dist}/index.js`, 'utf8') }]
    projectBuild = `\`npm run build\` output (dist/index.js, ${readFileSync(`${dist}/index.js`).length} B)`
  }
  return startWorkerd('project', {
    ...projectCompat(),
    modules,
    bindings: { ...wranglerVars(), ...upstreamBindings(up) },
    ratelimits: { RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } } },
  } as WorkerOptions)
}

/**
 * The project's route as it was at a git revision (`project@<rev>`), or with a proposed patch
 * (`project@<rev>+<name>` applies bench/proposals/<name>.patch): app/ and protocol/ of that commit,
 * its API sub-app bundled as for `source: 'api'`. Puts a route's before and after in one run.
 */
export async function projectAt(rev: string, up: Upstream, patch?: string): Promise<Variant> {
  const { writeFileSync } = await import('node:fs')
  const dir = extractTree(rev, patch)
  const entry = `${dir}/api-entry.ts`
  writeFileSync(entry, `import { Hono } from 'hono'\nimport { api } from './app/server/api'\nexport default new Hono().route('/api', api)\n`)
  return startWorkerd(`project@${rev}${patch ? `+${patch}` : ''}`, {
    ...projectCompat(),
    modules: [{ type: 'ESModule', path: `${dir}/api-entry.mjs`, contents: await bundle(entry) }],
    bindings: { ...wranglerVars(), ...upstreamBindings(up) },
    ratelimits: { RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } } },
  } as WorkerOptions)
}

/** How the project variant was built, for the report. */
export let projectBuild = ''

/** [vars] of wrangler.toml (flat string values only: all this project has). */
function wranglerVars(): Record<string, string> {
  const toml = readFileSync(`${ROOT}wrangler.toml`, 'utf8')
  const section = toml.split(/^\[vars\]\s*$/m)[1]?.split(/^\[/m)[0] ?? ''
  return Object.fromEntries([...section.matchAll(/^([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]))
}

async function runBuild(log?: (m: string) => void): Promise<void> {
  const { execFile } = await import('node:child_process')
  const { promisify } = await import('node:util')
  log?.('building the project (npm run build)')
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
}

export async function workerdVersion(): Promise<string> {
  const { execFile } = await import('node:child_process')
  const { promisify } = await import('node:util')
  try {
    const { stdout } = await promisify(execFile)(`${ROOT}node_modules/.bin/workerd`, ['--version'])
    return stdout.trim()
  } catch {
    return 'unknown'
  }
}
