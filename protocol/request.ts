/**
 * The request schemas of `POST /api/invoke` and `POST /api/cancel` (and of the Lambda's `/v1/invoke`
 * and `/v1/cancel` behind them), in zod. The edge validates with them through @hono/zod-validator
 * (app/server/valid-body.ts), the Lambda through `validateInvoke` / `validateCancel`
 * (aws/lambda/parse-request.ts): both reject the same input with the same status and code.
 */
import { z } from 'zod'
import type { ErrorCode } from './events'

/** AgentCore's runtimeSessionId: 33–256 characters; the edge narrows it to a URL- and header-safe set. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{33,256}$/

/**
 * The longest prompt, in characters (code points: an emoji counts once, as a user counts it). Every
 * hop counts the same way (`countChars`); the Worker and the Lambda may lower it with MAX_PROMPT_CHARS.
 */
export const DEFAULT_MAX_PROMPT_CHARS = 16_000

/**
 * The most bytes one character can take in a legal request body: a character outside the BMP as
 * escaped JSON (`"\ud83d\ude00"`, two `\uXXXX` escapes) or as a urlencoded form (`%F0%9F%98%80`).
 */
export const MAX_BYTES_PER_CHAR = 12

/** The fields of an invoke body that may each hold a whole prompt: `prompt` and `replaces`. */
const PROMPT_FIELDS = 2

/**
 * Bytes allowed for a request body whose prompt fields (`prompt`, `replaces`) each hold
 * `maxPromptChars` characters in their worst legal encoding, plus room for the session id, the field
 * names and a multipart boundary. Only an outer guard that bounds what is read: the limit that
 * speaks to the user is in characters, checked after parsing (`prompt_too_large`).
 */
export function maxBodyBytes(maxPromptChars: number): number {
  return PROMPT_FIELDS * maxPromptChars * MAX_BYTES_PER_CHAR + 4096
}

/** `maxBodyBytes` plus room for the edge's `userId` and `history` (every text in its worst encoding, each message's JSON around it). */
export function maxUpstreamBodyBytes(maxPromptChars: number): number {
  return maxBodyBytes(maxPromptChars) + MAX_HISTORY_CHARS * MAX_BYTES_PER_CHAR + MAX_HISTORY_MESSAGES * 40 + 256
}

export interface InvokeRequest {
  prompt: string
  sessionId?: string
  /** The prompt of the session's last exchange that this one replaces (edit, regenerate, retry). */
  replaces?: string
}

/** One earlier message of a conversation, as the edge sends it upstream (app/server/conversation/history.ts). */
export interface HistoryMessage {
  role: 'user' | 'assistant'
  text: string
}

/**
 * What the edge sends the upstream (the Lambda's `/v1/invoke`): the invoke request plus who is asking
 * and the conversation so far. Only the edge sets these two: its public `POST /api/invoke` drops them.
 */
export interface UpstreamInvokeRequest extends InvokeRequest {
  /** The conversation's owner; the Lambda passes it to AgentCore as `runtimeUserId`. */
  userId?: string
  /** The earlier turns, compact: the agent seeds a fresh session with them (aws/agent/seed-history.ts). */
  history?: HistoryMessage[]
  /**
   * The id the conversation gives the first event of this answer: an upstream that numbers its events
   * writes each with an `id:` line from this one on and answers with FIRST_EVENT_ID_HEADER
   * (protocol/events.ts). Absent: the events go out without ids.
   */
  firstEventId?: number
}

/**
 * AgentCore's runtimeUserId travels in the X-Amzn-Bedrock-AgentCore-Runtime-User-Id header and ends
 * up as the `userId` of GetWorkloadAccessTokenForUserId (1–128 characters, AWS API reference): visible
 * ASCII, at most 128. The edge's owner ids (`anon_<uuid>`, `user_<hash>`) fit.
 */
export const USER_ID_PATTERN = /^[\x21-\x7e]{1,128}$/
/** At most this many characters of earlier turns go upstream with a turn (the edge trims to fit). */
export const MAX_HISTORY_CHARS = 24_000
/** At most this many earlier messages go upstream with a turn. */
export const MAX_HISTORY_MESSAGES = 200

/** Why a request was refused, as the HTTP status and the `{"error":{code,message}}` body say it. */
export interface RequestError {
  status: 400 | 413
  code: ErrorCode
  message: string
}

export type Validation<T> = { ok: true; value: T } | ({ ok: false } & RequestError)

/** Counts code points, not UTF-16 units: what `DEFAULT_MAX_PROMPT_CHARS` and MAX_PROMPT_CHARS mean. */
export function countChars(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_PATTERN.test(id)
}

/** A fresh session id: 36 characters of [0-9a-f-] from crypto.randomUUID (Web Crypto in Workers and Node). */
export function newSessionId(): string {
  return crypto.randomUUID()
}

const SESSION_ID_MESSAGE = '"sessionId" must be 33–256 characters of A–Z, a–z, 0–9, "_" or "-".'

export const sessionIdSchema = z.string({ error: SESSION_ID_MESSAGE }).regex(SESSION_ID_PATTERN, { error: SESSION_ID_MESSAGE })

/**
 * A prompt: a string of at most `maxChars` characters (code points). Blank means absent. Each
 * refusal carries its error code in `params.code` (see `requestError`).
 */
export function promptSchema(maxChars: number = DEFAULT_MAX_PROMPT_CHARS) {
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '')
  return z
    .unknown()
    .refine((v) => !blank(v), { error: 'A non-blank "prompt" is required.', params: { code: 'prompt_required' }, abort: true })
    .pipe(
      z
        .string({ error: '"prompt" must be a string.' })
        // `length` first: a string no longer in UTF-16 units than the limit cannot have more code points.
        .refine((p) => p.length <= maxChars || countChars(p) <= maxChars, {
          error: `"prompt" is limited to ${maxChars} characters.`,
          params: { code: 'prompt_too_large' },
        }),
    )
}

/** `{"prompt", "sessionId"?}`: an absent, null or empty sessionId means "start a new session". */
export function invokeRequestSchema(maxPromptChars: number = DEFAULT_MAX_PROMPT_CHARS) {
  return z.object(
    {
      prompt: promptSchema(maxPromptChars),
      sessionId: z
        .union([sessionIdSchema, z.literal('')], { error: SESSION_ID_MESSAGE })
        .nullish()
        .transform((id) => id || undefined),
      // Edit, regenerate and retry: the prompt of the session's last exchange that this one replaces.
      // The agent drops that exchange from its history if it is there (aws/agent/replace-exchange.ts).
      replaces: promptSchema(maxPromptChars).optional(),
    },
    { error: 'The body must be a JSON object or form with a "prompt" field.' },
  )
}

const USER_ID_MESSAGE = '"userId" must be 1–128 visible ASCII characters.'
const FIRST_EVENT_ID_MESSAGE = '"firstEventId" must be a positive whole number.'
const HISTORY_MESSAGE = `"history" must be a list of at most ${MAX_HISTORY_MESSAGES} {"role": "user"|"assistant", "text"} messages of at most ${MAX_HISTORY_CHARS} characters in all.`

export const historySchema = z
  .array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() }, { error: HISTORY_MESSAGE }), { error: HISTORY_MESSAGE })
  .max(MAX_HISTORY_MESSAGES, { error: HISTORY_MESSAGE })
  .refine((messages) => messages.reduce((sum, m) => sum + countChars(m.text), 0) <= MAX_HISTORY_CHARS, { error: HISTORY_MESSAGE })

/** The upstream's `/v1/invoke` body: `invokeRequestSchema` plus the edge's `userId` and `history`. */
export function upstreamInvokeRequestSchema(maxPromptChars: number = DEFAULT_MAX_PROMPT_CHARS) {
  return invokeRequestSchema(maxPromptChars).extend({
    userId: z.string({ error: USER_ID_MESSAGE }).regex(USER_ID_PATTERN, { error: USER_ID_MESSAGE }).optional(),
    history: historySchema.optional(),
    firstEventId: z.number({ error: FIRST_EVENT_ID_MESSAGE }).int({ error: FIRST_EVENT_ID_MESSAGE }).min(1, { error: FIRST_EVENT_ID_MESSAGE }).max(Number.MAX_SAFE_INTEGER, { error: FIRST_EVENT_ID_MESSAGE }).optional(),
  })
}

/** `{"sessionId"}`: the session whose generation to stop. */
export const cancelRequestSchema = z.object(
  { sessionId: sessionIdSchema },
  { error: 'The body must be a JSON object or form with a "sessionId" field.' },
)

/**
 * The refusal for a failed parse: its first issue (fields are checked in the order of the schema, so
 * a missing prompt wins over a bad session id). Codes: a refinement's `params.code`; any issue with
 * `sessionId` is `invalid_session_id`; anything else (not an object, a prompt that is not a string)
 * is `invalid_request`.
 */
export function requestError(error: z.core.$ZodError): RequestError {
  const issue = error.issues[0]
  const code: ErrorCode =
    (issue?.code === 'custom' ? (issue.params?.code as ErrorCode | undefined) : undefined) ??
    (issue?.path[0] === 'sessionId' ? 'invalid_session_id' : 'invalid_request')
  return { status: code === 'prompt_too_large' ? 413 : 400, code, message: issue?.message ?? 'The request is not valid.' }
}

function validate<T>(schema: z.ZodType<T>, body: unknown): Validation<T> {
  const result = schema.safeParse(body)
  return result.success ? { ok: true, value: result.data } : { ok: false, ...requestError(result.error) }
}

/** Checks an already-decoded invoke body (JSON object or form fields) against `invokeRequestSchema`. */
export function validateInvoke(body: unknown, maxPromptChars = DEFAULT_MAX_PROMPT_CHARS): Validation<InvokeRequest> {
  return validate(invokeRequestSchema(maxPromptChars), body)
}

/** Checks an already-decoded upstream invoke body (the Lambda's) against `upstreamInvokeRequestSchema`. */
export function validateUpstreamInvoke(body: unknown, maxPromptChars = DEFAULT_MAX_PROMPT_CHARS): Validation<UpstreamInvokeRequest> {
  return validate(upstreamInvokeRequestSchema(maxPromptChars), body)
}

/** Checks an already-decoded cancel body against `cancelRequestSchema`. */
export function validateCancel(body: unknown): Validation<{ sessionId: string }> {
  return validate(cancelRequestSchema, body)
}
