import { describe, expect, it } from 'vitest'
import { readPrelude } from './prelude'

const enc = new TextEncoder()
const NULS = new Uint8Array(8)

function streamOf(...chunks: Array<Uint8Array | string>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(typeof ch === 'string' ? enc.encode(ch) : ch)
      c.close()
    },
  })
}

async function text(s: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(s).text()
}

describe('readPrelude', () => {
  it('decodes status, headers, multi-value headers and cookies, and keeps the payload', async () => {
    const meta = JSON.stringify({
      statusCode: 201,
      headers: { 'Content-Type': 'text/event-stream', 'X-One': 'a', 'X-Both': 'single' },
      multiValueHeaders: { 'X-Both': ['m1', 'm2'] },
      cookies: ['a=1; Path=/', 'b=2'],
    })
    const r = await readPrelude(streamOf(meta, NULS, 'event: text\n', 'data: {}\n\n'))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.prelude.statusCode).toBe(201)
    expect(r.prelude.headers).toEqual([
      ['Content-Type', 'text/event-stream'],
      ['X-One', 'a'],
      ['X-Both', 'm1'],
      ['X-Both', 'm2'],
    ])
    expect(r.prelude.cookies).toEqual(['a=1; Path=/', 'b=2'])
    expect(await text(r.rest)).toBe('event: text\ndata: {}\n\n')
  })

  it('finds the delimiter split across chunks, with payload bytes in the same chunk', async () => {
    const bytes = enc.encode('{"statusCode":200}')
    const all = new Uint8Array([...bytes, ...NULS, ...enc.encode('payload'), 0, 0, 1])
    // one byte per chunk: the delimiter straddles many reads
    const r = await readPrelude(streamOf(...Array.from(all, (b) => new Uint8Array([b]))))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.prelude.statusCode).toBe(200)
    expect(Array.from(new Uint8Array(await new Response(r.rest).arrayBuffer()))).toEqual([...enc.encode('payload'), 0, 0, 1])
  })

  it('defaults a missing status code to 200', async () => {
    const r = await readPrelude(streamOf('{}', NULS))
    expect(r).toMatchObject({ ok: true, prelude: { statusCode: 200, headers: [], cookies: [] } })
  })

  it('reports a stream that ends without a byte, or before the delimiter', async () => {
    expect(await readPrelude(streamOf())).toMatchObject({ ok: false, reason: 'empty' })
    expect(await readPrelude(streamOf('{"statusCode":200}', new Uint8Array(7)))).toMatchObject({ ok: false, reason: 'incomplete' })
  })

  it('rejects metadata that is not a JSON object or has a bad status', async () => {
    for (const meta of ['not json', '[1]', '{"statusCode":"200"}', '{"statusCode":42}', '{"headers":[]}', '{"cookies":"a=1"}']) {
      expect(await readPrelude(streamOf(meta, NULS))).toMatchObject({ ok: false, reason: 'malformed' })
    }
  })

  it('gives up when no delimiter comes within the limit', async () => {
    const r = await readPrelude(streamOf('x'.repeat(20_000)), 16 * 1024)
    expect(r).toMatchObject({ ok: false, reason: 'too_large' })
  })

  it('yields payload chunks as they arrive, before the function ends', async () => {
    let push!: (s: string) => void
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('{"statusCode":200}'))
        c.enqueue(NULS)
        push = (s) => c.enqueue(enc.encode(s))
      },
    })
    const r = await readPrelude(body)
    if (!r.ok) throw new Error('no prelude')
    const reader = r.rest.getReader()
    push('one')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('one')
    push('two')
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('two')
    await reader.cancel()
  })
})
