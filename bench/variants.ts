/**
 * The variants under test, all behind the same synthetic upstream. Every Worker variant runs the
 * same way: its own workerd process started by Miniflare on 127.0.0.1, so each has a pid whose CPU
 * and memory counters are that variant's alone.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build, type BuildOptions } from 'esbuild'
import { Miniflare, type WorkerOptions } from 'miniflare'
import { unstable_readConfig } from 'wrangler'
import { buildEdgeApp } from '../e2e/edge-server'
import { apiBuildOptions, apiDurableObjects, apiEntry, TEST_OWNER_COOKIE_SECRET, workerdBundle } from '../test-support/api-worker'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from '../test-support/test-credentials'
import { childPids } from './proc'
import type { Upstream } from './upstream'

export type VariantName = 'direct' | 'floor' | 'relay-floor' | 'reference' | 'project' | (string & {})

export interface Variant {
  name: VariantName
  /** The URL a client POSTs the prompt to. */
  url: string
  /** Extra request headers (the direct variant presents the upstream's API key itself). */
  headers?: Record<string, string>
  /** The workerd process (Worker variants only). */
  pid?: number
  /** How the Worker was made, for the report (the project's route only). */
  build?: string
  /** The Miniflare that runs it (Worker variants): the bench reads Durable Object state through it, never through a route. */
  miniflare?: Miniflare
  stop(): Promise<void>
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The project's wrangler.toml as wrangler itself reads it. */
const wranglerConfig = () => unstable_readConfig({ config: `${ROOT}wrangler.toml` })

/** compatibility_date and flags from the project's wrangler.toml, so every Worker variant gets the same runtime. */
export function projectCompat(): { compatibilityDate?: string; compatibilityFlags: string[] } {
  const { compatibility_date, compatibility_flags } = wranglerConfig()
  return { compatibilityDate: compatibility_date, compatibilityFlags: compatibility_flags }
}

/** One ES module for workerd: `options` (an entry point or stdin) bundled with everything it imports. */
async function bundle(path: string, options: BuildOptions): Promise<NonNullable<WorkerOptions['modules']>> {
  const out = await build({ ...options, ...workerdBundle, minify: true })
  return [{ type: 'ESModule', path, contents: out.outputFiles[0].text }]
}

/** The HonoX /api routes (test-support/api-worker.ts `apiEntry`), bundled for workerd. */
const bundleApi = () =>
  bundle(join(ROOT, 'api-entry.mjs'), { ...apiBuildOptions, stdin: { ...apiBuildOptions.stdin, contents: apiEntry() } })

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
    miniflare: mf,
    stop: () => mf.dispose(),
  }
}

/** What a Worker variant needs of an upstream: where it is and its key. */
type UpstreamAddress = Pick<Upstream, 'invokeUrl' | 'cancelUrl' | 'apiKey'>

function upstreamBindings(up: UpstreamAddress) {
  return {
    UPSTREAM_URL: up.invokeUrl,
    UPSTREAM_CANCEL_URL: up.cancelUrl,
    UPSTREAM_API_KEY: up.apiKey,
    // The Worker signs every upstream request (app/server/config.ts requires the keys); the synthetic
    // upstream does not check signatures, so the test keys serve.
    UPSTREAM_AWS_ACCESS_KEY_ID: TEST_AWS_CREDENTIAL.accessKeyId,
    UPSTREAM_AWS_SECRET_ACCESS_KEY: TEST_AWS_CREDENTIAL.secretAccessKey,
    UPSTREAM_AWS_REGION: TEST_AWS_REGION,
  }
}

export function direct(up: Upstream): Variant {
  return { name: 'direct', url: up.invokeUrl, headers: { 'x-api-key': up.apiKey }, stop: async () => {} }
}

/** A Worker variant from one TypeScript entry, bundled with esbuild, behind the upstream. */
export async function workerFrom(name: VariantName, entry: string, up: UpstreamAddress): Promise<Variant> {
  return startWorkerd(name, {
    ...projectCompat(),
    modules: await bundle(entry.replace(/\.ts$/, '.mjs'), { entryPoints: [entry] }),
    bindings: upstreamBindings(up),
  })
}

export const floor = (up: Upstream) => workerFrom('floor', `${ROOT}bench/workers/floor.ts`, up)
export const relayFloor = (up: Upstream) => workerFrom('relay-floor', `${ROOT}bench/workers/relay-floor.ts`, up)
export const reference = (up: Upstream) => workerFrom('reference', `${ROOT}bench/workers/reference.ts`, up)

/**
 * A build of this project's route as a Worker: wrangler.toml's vars and compatibility settings,
 * pointed at the synthetic upstream. The rate limiter keeps its binding but gets a limit the
 * 1,000-stream run cannot reach.
 */
function startRoute(name: VariantName, modules: WorkerOptions['modules'], up: Upstream): Promise<Variant> {
  return startProjectWorker(name, modules, upstreamBindings(up))
}

/**
 * The project's Worker (`modules`) in its own workerd with wrangler.toml's vars, then `upstreamVars`
 * (where and how it reaches the upstream). `persistDir` keeps the Durable Objects' SQLite on disk
 * there, as `wrangler dev` keeps them under .wrangler/state; without it they live in memory.
 */
export function startProjectWorker(name: VariantName, modules: WorkerOptions['modules'], upstreamVars: Record<string, string>, persistDir?: string): Promise<Variant> {
  return startWorkerd(name, {
    ...projectCompat(),
    modules,
    bindings: { ...wranglerConfig().vars, OWNER_COOKIE_SECRET: TEST_OWNER_COOKIE_SECRET, ...upstreamVars },
    // The route goes through the conversation's Durable Object (app/server/conversation): the durable path.
    durableObjects: apiDurableObjects,
    ...(persistDir ? { durableObjectsPersist: persistDir } : {}),
    ratelimits: { RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } } },
  } as WorkerOptions)
}

export interface ProjectOptions {
  /**
   * build: run `npm run build` and use dist/index.js (what deploys); existing: use dist/index.js as
   * it is; api: bundle the HonoX /api routes (app/routes/api/) with esbuild, as
   * HonoX serves them — the same route code without a vite build and without writing to dist/ (the
   * test suite's smoke run uses it).
   */
  source: 'build' | 'existing' | 'api'
  log?: (m: string) => void
}

/** This project's POST /api/invoke, from the work tree. */
export async function project(up: Upstream, opts: ProjectOptions): Promise<Variant> {
  const { modules, build } = await projectModules(opts)
  return { ...(await startRoute('project', modules, up)), build }
}

/** The project's Worker as `opts.source` says, and how it was made (for the report). */
export async function projectModules(opts: ProjectOptions): Promise<{ modules: NonNullable<WorkerOptions['modules']>; build: string }> {
  if (opts.source === 'api') return { modules: await bundleApi(), build: 'esbuild bundle of the HonoX routes in app/routes/api' }
  if (opts.source === 'build') {
    opts.log?.('building the project (npm run build)')
    await buildEdgeApp()
  }
  const worker = `${ROOT}dist/index.js`
  const contents = readFileSync(worker, 'utf8')
  return { modules: [{ type: 'ESModule', path: worker, contents }], build: `\`npm run build\` output (dist/index.js, ${Buffer.byteLength(contents)} B)` }
}

/**
 * Starts a variant by name: direct, floor, relay-floor, reference, project, or the path of a Worker
 * entry (.ts, relative to the working directory).
 */
export async function startVariant(name: VariantName, up: Upstream, opts: ProjectOptions): Promise<Variant> {
  switch (name) {
    case 'direct':
      return direct(up)
    case 'floor':
      return floor(up)
    case 'relay-floor':
      return relayFloor(up)
    case 'reference':
      return reference(up)
    case 'project':
      return project(up, opts)
  }
  if (name.endsWith('.ts')) return workerFrom(name.replace(/^.*\//, '').slice(0, -3), `${process.cwd()}/${name}`, up)
  throw new Error(`unknown variant ${name}`)
}

export async function workerdVersion(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(`${ROOT}node_modules/.bin/workerd`, ['--version'])
    return stdout.trim()
  } catch {
    return 'unknown'
  }
}
