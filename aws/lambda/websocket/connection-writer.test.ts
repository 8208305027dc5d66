import { describe, expect, it } from 'vitest'
import { GoneException } from '@aws-sdk/client-apigatewaymanagementapi'
import { writeOrWait } from '../../node/write-or-wait'
import { connectionWriter, MAX_POST_BYTES, splitUtf8 } from './connection-writer'

const end = (w: NodeJS.WritableStream) => new Promise<void>((resolve) => w.end(() => resolve()))

describe('connectionWriter', () => {
  it('coalesces writes until the size bound, then posts them as one message, in order', async () => {
    const posts: string[] = []
    const w = connectionWriter(async (d) => void posts.push(Buffer.from(d).toString()), { maxBytes: 10, maxDelayMs: 60_000 })
    for (const part of ['abcd', 'efgh', 'ijkl', 'mn']) await writeOrWait(w, part)
    await end(w)
    expect(posts).toEqual(['abcdefghijkl', 'mn'])
    expect([w.posts, w.bytesPosted]).toEqual([2, 14])
  })

  it('posts what has gathered once the time bound passes, without waiting for more', async () => {
    const posts: string[] = []
    const w = connectionWriter(async (d) => void posts.push(Buffer.from(d).toString()), { maxBytes: 8192, maxDelayMs: 20 })
    await writeOrWait(w, 'event: meta\n\n')
    await writeOrWait(w, 'event: text\n\n')
    await expect.poll(() => posts).toEqual(['event: meta\n\nevent: text\n\n'])
    w.destroy()
  })

  it('maxDelayMs 0 posts every write on its own', async () => {
    const posts: string[] = []
    const w = connectionWriter(async (d) => void posts.push(Buffer.from(d).toString()), { maxBytes: 8192, maxDelayMs: 0 })
    for (const part of ['a', 'b', 'c']) await writeOrWait(w, part)
    await end(w)
    expect(posts).toEqual(['a', 'b', 'c'])
  })

  it('never posts more than the 32 KB frame limit, and cuts between UTF-8 characters', async () => {
    const posts: Buffer[] = []
    const w = connectionWriter(async (d) => void posts.push(Buffer.from(d)), { maxBytes: 1_000_000, maxDelayMs: 0 })
    const big = '日本語🎉'.repeat(10_000) // 130 000 bytes in one write
    await writeOrWait(w, big)
    await end(w)
    expect(posts.length).toBe(4)
    for (const p of posts) {
      expect(p.byteLength).toBeLessThanOrEqual(MAX_POST_BYTES)
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(p)).not.toThrow()
    }
    expect(Buffer.concat(posts).toString()).toBe(big)
  })

  it('a GoneException destroys the stream with it (the relay then stops the agent) and nothing more is posted', async () => {
    let calls = 0
    const gone = new GoneException({ message: '', $metadata: {} })
    const w = connectionWriter(async () => {
      calls++
      throw gone
    }, { maxBytes: 1, maxDelayMs: 0 })
    const errored = new Promise((resolve) => w.on('error', resolve))
    await writeOrWait(w, 'x')
    expect(await errored).toBe(gone)
    expect(w.destroyed).toBe(true)
    await writeOrWait(w, 'y').catch(() => {})
    expect(calls).toBe(1)
  })

  it('splitUtf8 keeps short input whole', () => {
    expect(splitUtf8(Buffer.from('abc'), 10).map(String)).toEqual(['abc'])
  })
})
