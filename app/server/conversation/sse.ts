import { PING } from '../../../protocol/events'
import type { StoredEvent } from './store'

const encoder = new TextEncoder()

/**
 * One stored event as SSE with its id (`id:` first, so EventSource and our readers remember it for
 * `Last-Event-ID`). `data` is already JSON from JSON.stringify (ConversationStore.append), one line.
 */
export function frameEvent(e: StoredEvent): Uint8Array {
  return encoder.encode(`id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`)
}

export const PING_BYTES = encoder.encode(PING)

/** `Last-Event-ID` or `?after=`: a non-negative integer event id, or undefined when absent; NaN when malformed. */
export function parseAfter(header: string | undefined, query: string | undefined): number | undefined {
  const raw = (query ?? header)?.trim()
  if (raw === undefined || raw === '') return undefined
  return /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN
}
