import { describe, expect, it } from 'vitest'
import { readTimed, spacingOf } from './timed-read'

function streamOf(parts: string[], fail = false): Response {
  let i = 0
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < parts.length) c.enqueue(new TextEncoder().encode(parts[i++]))
        else if (fail) c.error(new Error('cut'))
        else c.close()
      },
    }),
  )
}

describe('readTimed', () => {
  it('keeps every chunk in order with its arrival, and says whether the stream ended or was cut', async () => {
    const ended = await readTimed(streamOf(['a', 'bc', 'd']), performance.now())
    expect([ended.text, ended.cut, ended.chunks.map((c) => c.text)]).toEqual(['abcd', false, ['a', 'bc', 'd']])
    expect(ended.chunks.every((c, i) => i === 0 || c.atMs >= ended.chunks[i - 1].atMs)).toBe(true)
    const cut = await readTimed(streamOf(['partial '], true), performance.now())
    expect([cut.text, cut.cut]).toEqual(['partial ', true])
  })
})

describe('spacingOf', () => {
  it('summarizes the gaps between chunks', () => {
    const chunks = [0, 10, 30, 60, 100].map((atMs) => ({ atMs, bytes: 1, text: 'x' }))
    expect(spacingOf(chunks)).toEqual({ chunks: 5, firstChunkMs: 0, lastChunkMs: 100, medianGapMs: 30, p90GapMs: 40, maxGapMs: 40 })
    expect(spacingOf([])).toMatchObject({ chunks: 0, medianGapMs: null })
  })
})
