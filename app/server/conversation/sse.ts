import { PING } from '../../../protocol/events'
import type { StoredEvent } from './store'

const encoder = new TextEncoder()

/**
 * One stored event as SSE text with its id (`id:` first, so EventSource and our readers remember it
 * for `Last-Event-ID`). `data` is one line of JSON (ConversationStore.append's caller sees to it).
 * Text, not bytes: the fan-out joins the frames of one upstream read and encodes them once.
 */
export function frameText(e: StoredEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`
}

export function encodeFrames(text: string): Uint8Array {
  return encoder.encode(text)
}

export const PING_BYTES = encoder.encode(PING)

/** `Last-Event-ID` or `?after=`: a non-negative integer event id, or undefined when absent; NaN when malformed. */
export function parseAfter(header: string | undefined, query: string | undefined): number | undefined {
  const raw = (query ?? header)?.trim()
  if (raw === undefined || raw === '') return undefined
  return /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN
}
