/**
 * The Worker's local secrets file, `.dev.vars` (read by `wrangler dev` and by the Vite dev server's
 * Cloudflare adapter; its values override wrangler.toml's `[vars]`). `npm run dev` writes it only when
 * it is absent, and otherwise reads it to learn which upstream, API key and AWS keys the app will use
 * (adding local AWS keys to a local file that predates them).
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { newWorkerKeys, type WorkerKeys } from './worker-keys'

export interface DevVarsPlan {
  /** Where the app's Worker will send invocations. */
  upstreamUrl: string
  /** The key the Worker sends (the local API Gateway must accept it); undefined when the file has none. */
  apiKey: string | undefined
  /** The keys the Worker signs with (the local API Gateway's IAM check must accept them). */
  workerKeys: WorkerKeys | undefined
  /** True when UPSTREAM_URL is this machine's API Gateway emulator (loopback, stage path /v1/invoke). */
  local: boolean
  /** The port of a local upstream. */
  port: number | undefined
  /** What happened to the file: created now, found, or found and given local AWS keys. */
  file: 'created' | 'existing' | 'keys-added'
}

/**
 * Reads `.dev.vars` at `path`, or creates it pointing at `defaultUrl` with a fresh random key.
 * `wranglerDefaultUrl` is wrangler.toml's UPSTREAM_URL, which applies when the file does not set one.
 */
export function planDevVars(path: string, defaultUrl: string, wranglerDefaultUrl: string = defaultUrl): DevVarsPlan {
  if (!existsSync(path)) {
    const apiKey = randomBytes(24).toString('base64url')
    const workerKeys = newWorkerKeys()
    const text =
      '# Written by `npm run dev` for the local cloud (git-ignored). Delete it to get a fresh one.\n' +
      '# To run the app against a deployed stack instead, set its invoke URL, API key and the Worker\n' +
      "# user's access key here (README: Deploy).\n" +
      `UPSTREAM_URL=${defaultUrl}\n` +
      `UPSTREAM_API_KEY=${apiKey}\n` +
      awsKeyLines(workerKeys)
    writeFileSync(path, text, { mode: 0o600 })
    return { upstreamUrl: defaultUrl, apiKey, workerKeys, ...localPort(defaultUrl), file: 'created' }
  }
  const existing = readFileSync(path, 'utf8')
  const vars = parseEnv(existing)
  const upstreamUrl = vars.UPSTREAM_URL?.trim() || wranglerDefaultUrl
  const apiKey = vars.UPSTREAM_API_KEY?.trim() || undefined
  const place = localPort(upstreamUrl)
  const accessKeyId = vars.UPSTREAM_AWS_ACCESS_KEY_ID?.trim()
  const secretAccessKey = vars.UPSTREAM_AWS_SECRET_ACCESS_KEY?.trim()
  if (accessKeyId && secretAccessKey) return { upstreamUrl, apiKey, workerKeys: { accessKeyId, secretAccessKey }, ...place, file: 'existing' }
  if (!place.local || accessKeyId || secretAccessKey) return { upstreamUrl, apiKey, workerKeys: undefined, ...place, file: 'existing' }
  // A local file from before the API used IAM authorization: give it local keys rather than a 403.
  const workerKeys = newWorkerKeys()
  const newline = existing === '' || existing.endsWith('\n') ? '' : '\n'
  appendFileSync(path, `${newline}# Added by \`npm run dev\`: the local API Gateway checks SigV4 signatures.\n${awsKeyLines(workerKeys)}`)
  return { upstreamUrl, apiKey, workerKeys, ...place, file: 'keys-added' }
}

/** The Worker's signing secrets (app/server/signing.ts); the local cloud's region. */
function awsKeyLines(keys: WorkerKeys): string {
  return (
    `UPSTREAM_AWS_ACCESS_KEY_ID=${keys.accessKeyId}\n` +
    `UPSTREAM_AWS_SECRET_ACCESS_KEY=${keys.secretAccessKey}\n` +
    'UPSTREAM_AWS_REGION=us-east-1\n'
  )
}

function localPort(url: string): { local: boolean; port: number | undefined } {
  try {
    const u = new URL(url)
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost'
    if (u.protocol !== 'http:' || !loopback || !/^\/v1\/invoke\/?$/.test(u.pathname)) return { local: false, port: undefined }
    return { local: true, port: Number(u.port || 80) }
  } catch {
    return { local: false, port: undefined }
  }
}

/** UPSTREAM_URL from wrangler.toml's [vars] (a plain `UPSTREAM_URL = "..."` line), if present. */
export function wranglerUpstreamUrl(wranglerTomlPath: string): string | undefined {
  if (!existsSync(wranglerTomlPath)) return undefined
  return /^\s*UPSTREAM_URL\s*=\s*"([^"]*)"/m.exec(readFileSync(wranglerTomlPath, 'utf8'))?.[1]
}

/**
 * The vars that point the Worker at this run's local cloud, in a file of their own (a fresh temporary
 * folder, owner-only), to be read after .dev.vars: the dev server and `wrangler dev` read the files
 * they are given in order, later values winning (vite.config.ts EDGE_DEV_VARS_FILES, `--env-file`).
 * So a LOCAL_API_PORT that differs from a .dev.vars written by an earlier run is honoured without
 * rewriting the developer's file.
 */
export function writeLocalUpstreamVars(urls: { invokeUrl: string; cancelUrl: string }): string {
  const path = join(mkdtempSync(join(tmpdir(), 'edge-dev-vars-')), 'local-upstream.vars')
  writeFileSync(path, `UPSTREAM_URL=${urls.invokeUrl}\nUPSTREAM_CANCEL_URL=${urls.cancelUrl}\n`, { mode: 0o600 })
  return path
}

/**
 * Adds OWNER_COOKIE_SECRET (the HMAC key of the app's anonymous identity cookie, see
 * app/server/identity/owner-cookie.ts) to an existing `.dev.vars` that lacks one; an existing key is
 * kept, so identities and their conversations survive restarts. Returns true when it added one.
 */
export function ensureCookieSecret(path: string): boolean {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  if (parseEnv(text).OWNER_COOKIE_SECRET?.trim()) return false
  const sep = text === '' || text.endsWith('\n') ? '' : '\n'
  appendFileSync(path, `${sep}OWNER_COOKIE_SECRET=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
  return true
}
