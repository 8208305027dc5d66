/**
 * The edge app's /api routes in workerd behind a real socket (Miniflare on 127.0.0.1, port 0), for
 * tests that need what `SELF.fetch` does not give: a TCP connection a client can send slowly, or too
 * much, on. The routes are bundled with esbuild as HonoX serves them (`apiEntry`); the bench's
 * `project` variant (bench/variants.ts) uses the same entry.
 */
import { readdirSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { unstable_readConfig } from 'wrangler'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The module that serves app/routes/api/ as HonoX does: honox's createApp given the route,
 * middleware, 404 and error files explicitly (its defaults come from Vite's import.meta.glob, which
 * esbuild has not).
 */
export function apiEntry(): string {
  const dir = 'app/routes/api'
  const files = (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
  const imports = files.map((f, i) => `import * as m${i} from './${dir}/${f}'`)
  const base = (f: string) => f.slice(f.lastIndexOf('/') + 1)
  const group = (keep: (f: string) => boolean) =>
    `{ ${files.flatMap((f, i) => (keep(f) ? [`'/${dir}/${f}': m${i}`] : [])).join(', ')} }`
  return [
    `import { createApp } from 'honox/server'`,
    ...imports,
    `export default createApp({ root: '/app/routes', RENDERER: {},`,
    `  ROUTES: ${group((f) => !base(f).startsWith('_'))},`,
    `  MIDDLEWARE: ${group((f) => base(f).startsWith('_middleware.'))},`,
    `  NOT_FOUND: ${group((f) => base(f).startsWith('_404.'))},`,
    `  ERROR: ${group((f) => base(f).startsWith('_error.'))} })`,
    // The conversations' Durable Object classes, bound as wrangler.toml binds them (durableObjects below).
    `export { Conversation } from './app/server/conversation/conversation'`,
    `export { OwnerIndex } from './app/server/conversation/owner-index'`,
    '',
  ].join('\n')
}

/** esbuild options for any single ES module workerd runs (with its own entry and externals). */
export const workerdBundle = {
  bundle: true,
  format: 'esm' as const,
  platform: 'neutral' as const,
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  write: false as const,
  logLevel: 'silent' as const,
}

/** esbuild options that bundle `apiEntry()` for workerd. */
export const apiBuildOptions = {
  stdin: { contents: '', resolveDir: ROOT, loader: 'ts' as const },
  jsx: 'automatic' as const,
  jsxImportSource: 'hono/jsx',
  // honox keeps the request context in AsyncLocalStorage: workerd's nodejs_compat (wrangler.toml) provides it.
  external: ['node:*', 'cloudflare:workers'],
}

/** wrangler.toml's Durable Object bindings, for Miniflare (the entry exports the classes). */
export const apiDurableObjects = {
  CONVERSATIONS: { className: 'Conversation', useSQLite: true },
  OWNERS: { className: 'OwnerIndex', useSQLite: true },
}

/** The identity cookie's signing key for a test or bench Worker (a Wrangler secret when deployed). */
export const TEST_OWNER_COOKIE_SECRET = 'test-cookie-secret-not-a-secret'

/**
 * The /api routes in their own workerd, with wrangler.toml's compatibility settings and vars, then
 * `bindings`. `onLog` gets workerd's own output, line by line, with --verbose (as the edge test pool
 * runs it): what the runtime reports, such as a promise rejection nobody handled.
 */
export async function startApiWorker(bindings: Record<string, string>, options: { onLog?: (line: string) => void } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const out = await build({
    ...apiBuildOptions,
    stdin: { ...apiBuildOptions.stdin, contents: apiEntry() },
    ...workerdBundle,
  })
  const config = unstable_readConfig({ config: join(ROOT, 'wrangler.toml') })
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    modules: [{ type: 'ESModule', path: join(ROOT, 'api-entry.mjs'), contents: out.outputFiles[0]!.text }],
    bindings: { ...(config.vars as Record<string, string>), OWNER_COOKIE_SECRET: TEST_OWNER_COOKIE_SECRET, ...bindings },
    durableObjects: apiDurableObjects,
    ratelimits: { RATE_LIMITER: { simple: { limit: 1_000, period: 60 } } },
    ...(options.onLog && {
      verbose: true,
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        for (const stream of [stdout, stderr]) createInterface({ input: stream }).on('line', options.onLog!)
      },
    }),
  })
  const base = await mf.ready
  return { url: base.origin, stop: () => mf.dispose() }
}
