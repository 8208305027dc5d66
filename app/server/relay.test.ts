import { describe, expect, it } from 'vitest'
import { formatEvent } from '../../protocol/events'
import { relay } from './relay'

const enc = new TextEncoder()
const first = formatEvent('meta', { sessionId: 's'.repeat(36), requestId: 'r' })

function source(chunks: string[], ending: 'close' | 'error' | 'open' = 'close', onCancel?: () => void) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c))
      if (ending === 'close') controller.close()
      if (ending === 'error') controller.error(new Error('connection reset by upstream at 10.0.0.7'))
    },
    cancel: onCancel,
  })
}

describe('relay', () => {
  it('sends the first event, then the upstream bytes unchanged, and ends done', async () => {
    const chunks = [formatEvent('text', { text: 'a' }), 'event: te', 'xt\ndata: {"text":"b"}\n\n', formatEvent('done', { stopReason: 'end_turn' })]
    const { readable, ended } = relay(enc.encode(first), source(chunks))
    expect(await new Response(readable).text()).toBe(first + chunks.join(''))
    expect(await ended).toBe('closed')
  })

  it('ends broken when the upstream breaks; the client sees what arrived and no upstream error', async () => {
    const { readable, ended } = relay(enc.encode(first), source([formatEvent('text', { text: 'a' })], 'error'))
    // Read what arrives until the stream errors: the client's view of a broken answer.
    let text = ''
    const reader = readable.getReader()
    const decoder = new TextDecoder()
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true })
    } catch {
      // The runtime may pass the break on as an errored body: also an end without done.
    }
    expect(await ended).toBe('broken')
    expect(text.startsWith(first)).toBe(true)
    expect(text).not.toContain('10.0.0.7')
    expect(text).not.toContain('event: done')
  })

  it('ends broken and cancels the upstream body when the client goes away', async () => {
    let cancelled = false
    const { readable, ended } = relay(enc.encode(first), source([formatEvent('text', { text: 'a' })], 'open', () => (cancelled = true)))
    const reader = readable.getReader()
    await reader.read()
    await reader.cancel()
    expect(await ended).toBe('broken')
    expect(cancelled).toBe(true)
  })
})
