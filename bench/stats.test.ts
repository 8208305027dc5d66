import { describe, expect, it } from 'vitest'
import { coalesced } from './client'
import { chunked, markdownAnswer } from './markdown-answer'
import { median, p99, quantile, ratio, slope } from './stats'
import { parsePrompt, promptFor, STAMP, stampedText } from './upstream'

describe('stats', () => {
  it('interpolates quantiles between order statistics', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([1, 2, 3, 4])).toBe(2.5)
    expect(quantile([0, 10], 0.25)).toBe(2.5)
    expect(p99(Array.from({ length: 101 }, (_, i) => i))).toBeCloseTo(99)
    expect(median([])).toBeNaN()
  })
  it('fits a slope and refuses meaningless ratios', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2)
    expect(ratio(3, 2)).toBe(1.5)
    expect(ratio(3, 0)).toBeNull()
    expect(ratio(NaN, 2)).toBeNull()
  })
})

describe('stamps and chunks', () => {
  it('stamps text to the requested size and reads the stamp back', () => {
    const text = stampedText(12, 345.678, 100)
    expect(text).toHaveLength(100)
    expect([...text.matchAll(STAMP)].map((m) => [m[1], m[2]])).toEqual([['12', '345.678']])
    expect(parsePrompt(promptFor({ n: 3, size: 10, intervalMs: 5 }))).toEqual({ n: 3, size: 10, intervalMs: 5 })
    expect(parsePrompt('hello')).toBeNull()
  })
  it('counts a chunk as coalesced when it shares a socket read with the one before', () => {
    const c = (read: number) => ({ seq: 0, sentAt: 0, receivedAt: 0, read })
    expect(coalesced([c(1), c(2), c(2), c(3), c(3), c(3)])).toBe(3)
  })
  it('makes a markdown answer of the exact size and cuts it into the given number of chunks', () => {
    const text = markdownAnswer(10_000)
    expect(text).toHaveLength(10_000)
    expect(text).toContain('```ts')
    const parts = chunked(text, 200)
    expect(parts).toHaveLength(200)
    expect(parts.join('')).toBe(text)
  })
})
