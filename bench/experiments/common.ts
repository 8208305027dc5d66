/** Shared by the experiment Workers: forward the prompt upstream, answer as SSE, a meta event of our own. */
import { encodeEvent } from '../../protocol/events'

export interface Env {
  UPSTREAM_URL: string
  UPSTREAM_API_KEY: string
}
export async function open(request: Request, env: Env) {
  return fetch(env.UPSTREAM_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': env.UPSTREAM_API_KEY },
    body: await request.text(),
  })
}
export const headers = { 'content-type': 'text/event-stream', 'content-encoding': 'identity' }
export const meta = () => encodeEvent('meta', { sessionId: 'x'.repeat(36), requestId: crypto.randomUUID() })
