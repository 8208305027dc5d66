import type { ErrorCode } from '../../protocol/events'
import type { Strings } from '../i18n/en'
import { fill } from '../i18n/format'

/**
 * The page's own words, in the reader's language, for each error code a reader of the chat can
 * meet (app/i18n/en.ts, ja.ts). The server's messages are English and written for API clients
 * (curl, scripts): shown as they are, a Japanese page said `"prompt" is limited to 16000 characters.`
 */
const TEXTS: Partial<Record<ErrorCode, keyof Strings>> = {
  prompt_too_large: 'errorPromptTooLarge',
  payload_too_large: 'errorPromptTooLarge',
  rate_limited: 'errorRateLimited',
  conversation_busy: 'errorConversationBusy',
  conversation_limit: 'errorConversationLimit',
  conversation_full: 'errorConversationFull',
  agent_unavailable: 'errorAgentBusy',
  session_busy: 'errorAgentBusy',
  upstream_unreachable: 'errorUpstreamUnreachable',
  upstream_timeout: 'errorUpstreamTimeout',
  upstream_error: 'errorUpstreamFailed',
  upstream_bad_response: 'errorUpstreamFailed',
  upstream_auth: 'errorUpstreamAuth',
  stream_interrupted: 'errorInterrupted',
  turn_timeout: 'errorTurnTimeout',
  internal_error: 'errorInternal',
  unauthorized: 'errorUnauthorized',
}

/** What to show for an error: the page's text for its code, else the server's message (an agent's own error, say). */
export function errorText(code: ErrorCode | undefined, serverMessage: string, strings: Strings, values: { max: string }): string {
  const key = code ? TEXTS[code] : undefined
  return key ? fill(strings[key], values) : serverMessage
}
