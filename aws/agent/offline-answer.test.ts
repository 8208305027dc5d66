import { describe, expect, it } from 'vitest'
import { composeAnswer, DEFAULT_FILLER_WORDS, LONG_FILLER_WORDS, MAX_FILLER_WORDS, requestedFillerWords, tokenize } from './offline-answer'

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length

describe('composeAnswer', () => {
  it('is deterministic: the same conversation gives the same text, another one a different text', () => {
    const a = composeAnswer({ prompt: 'How do streams work?', earlier: ['hi'] })
    expect(composeAnswer({ prompt: 'How do streams work?', earlier: ['hi'] })).toBe(a)
    expect(composeAnswer({ prompt: 'How do streams work?', earlier: [] })).not.toBe(a)
    expect(composeAnswer({ prompt: 'How do streams work!', earlier: ['hi'] })).not.toBe(a)
  })

  it('answers in markdown that reflects the prompt: quote, paragraphs, a list and a fenced code block', () => {
    const answer = composeAnswer({ prompt: 'Explain   the\nedge worker', earlier: [] })
    const blocks = answer.trim().split('\n\n')
    expect(blocks[1]).toBe('> Explain the edge worker')
    expect(blocks.filter((b) => /^[A-Z*]/.test(b)).length).toBeGreaterThanOrEqual(3) // paragraphs
    expect(answer).toMatch(/^- Your prompt has 4 words and 25 characters\.$/m)
    expect(answer).toMatch(/^- .+\n- .+\n- .+$/m)
    const code = /^```json\n([\s\S]+?)\n```$/m.exec(answer)
    expect(JSON.parse(code?.[1] ?? 'null')).toEqual({ prompt: 'Explain the edge worker', turn: 1 })
    expect(answer).not.toContain('Earlier you asked')
  })

  it('recalls the previous prompt from the second turn on', () => {
    const answer = composeAnswer({ prompt: 'third', earlier: ['first question', 'second question'] })
    expect(answer).toContain('Earlier you asked: “second question” — this is turn 3 of our conversation.')
    expect(answer).toContain('"turn": 3')
  })

  it('keeps its code fence closed when the prompt itself contains backticks', () => {
    const answer = composeAnswer({ prompt: 'quote ```` four and ``` three', earlier: [] })
    expect(answer).toMatch(/^`````json$/m)
    expect(answer.match(/^`````$/gm)).toHaveLength(1)
  })

  it('gets longer on request: "long", "words:N", capped', () => {
    expect(requestedFillerWords('a short one')).toBe(DEFAULT_FILLER_WORDS)
    expect(requestedFillerWords('a LONG one')).toBe(LONG_FILLER_WORDS)
    expect(requestedFillerWords('be long: words:1234')).toBe(1234)
    expect(requestedFillerWords('words:0')).toBe(0)
    expect(requestedFillerWords('words:99999999')).toBe(MAX_FILLER_WORDS)
    const short = composeAnswer({ prompt: 'x', earlier: [] })
    const long = composeAnswer({ prompt: 'x words:2000', earlier: [] })
    expect(wordCount(long) - wordCount(short)).toBeGreaterThan(2000 - DEFAULT_FILLER_WORDS - 10)
    expect(wordCount(composeAnswer({ prompt: 'long', earlier: [] }))).toBeGreaterThan(LONG_FILLER_WORDS)
  })

  it('names the first of the longest words, counted in characters', () => {
    expect(composeAnswer({ prompt: 'ab 😀😀😀 abc abd', earlier: [] })).toContain('Its longest word is “😀😀😀”.')
    expect(composeAnswer({ prompt: 'a abc ab abd', earlier: [] })).toContain('Its longest word is “abc”.')
  })

  it('shortens a huge prompt in the quote', () => {
    const answer = composeAnswer({ prompt: 'y'.repeat(5000), earlier: [] })
    expect(answer.length).toBeLessThan(2500)
    expect(answer).toContain('…')
  })
})

describe('tokenize', () => {
  it('splits into words with their trailing whitespace and joins back exactly', () => {
    expect(tokenize('Hi there,\n\n- item  ')).toEqual(['Hi ', 'there,\n\n', '- ', 'item  '])
    expect(tokenize('  lead')).toEqual(['  ', 'lead'])
    expect(tokenize('')).toEqual([])
    const answer = composeAnswer({ prompt: 'round trip', earlier: ['before'] })
    expect(tokenize(answer).join('')).toBe(answer)
  })
})
