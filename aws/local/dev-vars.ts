/**
 * The Worker's local secrets file, `.dev.vars` (read by `wrangler dev` and by the Vite dev server's
 * Cloudflare adapter; its values override wrangler.toml's `[vars]`). `npm run dev` writes it only when
 * it is absent, and otherwise reads it to learn which upstream and key the app will use.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

export interface DevVarsPlan {
  /** Where the app's Worker will send invocations. */
  upstreamUrl: string
  /** The key the Worker sends (the local API Gateway must accept it); undefined when the file has none. */
  apiKey: string | undefined
  /** True when UPSTREAM_URL is this machine's API Gateway emulator (loopback, stage path /v1/invoke). */
  local: boolean
  /** The port of a local upstream. */
  port: number | undefined
  /** What happened to the file: created now, or found. */
  file: 'created' | 'existing'
}

/**
 * Reads `.dev.vars` at `path`, or creates it pointing at `defaultUrl` with a fresh random key.
 * `wranglerDefaultUrl` is wrangler.toml's UPSTREAM_URL, which applies when the file does not set one.
 */
export function planDevVars(path: string, defaultUrl: string, wranglerDefaultUrl: string = defaultUrl): DevVarsPlan {
  if (!existsSync(path)) {
    const apiKey = randomBytes(24).toString('base64url')
    const text =
      '# Written by `npm run dev` for the local cloud (git-ignored). Delete it to get a fresh one.\n' +
      '# To run the app against a deployed stack instead, set its invoke URL and API key here.\n' +
      `UPSTREAM_URL=${defaultUrl}\n` +
      `UPSTREAM_API_KEY=${apiKey}\n`
    writeFileSync(path, text, { mode: 0o600 })
    return { upstreamUrl: defaultUrl, apiKey, ...localPort(defaultUrl), file: 'created' }
  }
  const vars = parseEnv(readFileSync(path, 'utf8'))
  const upstreamUrl = vars.UPSTREAM_URL?.trim() || wranglerDefaultUrl
  return { upstreamUrl, apiKey: vars.UPSTREAM_API_KEY?.trim() || undefined, ...localPort(upstreamUrl), file: 'existing' }
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
