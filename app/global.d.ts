import type {} from 'hono'
import type { EdgeConfig } from './server/config'
import type { Conversation } from './server/conversation/conversation'
import type { OwnerIndex } from './server/conversation/owner-index'

/** Bindings, vars and secrets of the Worker (wrangler.toml, `wrangler secret`, .dev.vars). */
export interface Bindings {
  UPSTREAM_URL: string
  UPSTREAM_CANCEL_URL?: string
  UPSTREAM_API_KEY?: string
  MAX_PROMPT_CHARS?: string
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS?: string
  REQUEST_BODY_TIMEOUT_MS?: string
  RATE_LIMITER?: RateLimit
  /** rest (default) | function-url | invoke-stream | websocket | lambda-agent: app/server/upstream/types.ts */
  UPSTREAM_KIND?: string
  /** Secrets of the edge's AWS principal for the SigV4-signed paths (function-url, invoke-stream, websocket). */
  UPSTREAM_AWS_ACCESS_KEY_ID?: string
  UPSTREAM_AWS_SECRET_ACCESS_KEY?: string
  UPSTREAM_AWS_SESSION_TOKEN?: string
  UPSTREAM_AWS_REGION?: string
  /** invoke-stream: the function (name or ARN), its cancel function and, locally, the Lambda API emulator's URL. */
  UPSTREAM_LAMBDA_FUNCTION?: string
  UPSTREAM_LAMBDA_CANCEL_FUNCTION?: string
  UPSTREAM_LAMBDA_ENDPOINT?: string
  /** One Durable Object per conversation id (app/server/conversation/conversation.ts). */
  CONVERSATIONS: DurableObjectNamespace<Conversation>
  /** One Durable Object per owner: the list of their conversations (app/server/conversation/owner-index.ts). */
  OWNERS: DurableObjectNamespace<OwnerIndex>
  /** Secret: the HMAC key of the anonymous identity cookie (`wrangler secret put OWNER_COOKIE_SECRET`, .dev.vars locally). */
  OWNER_COOKIE_SECRET?: string
  /** Optional sign-in: an OIDC issuer's JWKS URL, issuer and audience (Cloudflare Access: the team's certs URL and the app's AUD tag). */
  AUTH_JWKS_URL?: string
  AUTH_ISSUER?: string
  AUTH_AUDIENCE?: string
  MAX_TURN_SECONDS?: string
  MAX_CONVERSATIONS_PER_OWNER?: string
  MAX_CONVERSATION_BYTES?: string
}

export interface AppEnv {
  Bindings: Bindings
  Variables: { secureHeadersNonce?: string; config: EdgeConfig; /** Set by app/server/identity/identify.ts. */ owner: string }
}

declare module 'hono' {
  interface Env {
    Bindings: Bindings
  }
  interface ContextVariableMap {
    /** The Worker's parsed configuration, set for every /api route by app/routes/api/_middleware.ts. */
    config: EdgeConfig
  }
  interface ContextRenderer {
    (content: string | Promise<string>, head?: { title?: string }): Response | Promise<Response>
  }
}
