import type {} from 'hono'

/** Bindings, vars and secrets of the Worker (wrangler.toml, `wrangler secret`, .dev.vars). */
export interface Bindings {
  UPSTREAM_URL: string
  UPSTREAM_CANCEL_URL?: string
  UPSTREAM_API_KEY?: string
  MAX_PROMPT_CHARS?: string
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS?: string
  RATE_LIMITER?: RateLimit
}

export interface AppEnv {
  Bindings: Bindings
  Variables: { secureHeadersNonce?: string }
}

declare module 'hono' {
  interface Env {
    Bindings: Bindings
  }
  interface ContextRenderer {
    (content: string | Promise<string>, head?: { title?: string }): Response | Promise<Response>
  }
}
