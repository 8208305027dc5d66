import { describe, expect, it } from 'vitest'
import { parseBlocks, parseInline, takeFinished } from './markdown'

const ANSWER = [
  '# Title',
  'Some **bold** and `code` text',
  'on two lines.',
  '',
  '- one',
  '- two',
  '',
  '```ts',
  'const a = 1',
  '',
  'const b = "<b>"',
  '```',
  '1. first',
  '2. second',
  '',
  'The end.',
].join('\n')

describe('takeFinished', () => {
  it('freezes blocks only when they are complete and keeps blank lines inside fences', () => {
    const { finished, rest } = takeFinished(ANSWER)
    expect(finished).toEqual([
      '# Title\n',
      'Some **bold** and `code` text\non two lines.\n',
      '- one\n- two\n',
      '```ts\nconst a = 1\n\nconst b = "<b>"\n```\n',
      '1. first\n2. second\n',
    ])
    expect(rest).toBe('The end.')
    expect(takeFinished('```\nopen\n\nstill open')).toEqual({ finished: [], rest: '```\nopen\n\nstill open' })
  })

  it('gives the same blocks however the text is chunked', () => {
    const whole = parseBlocks(ANSWER)
    for (const size of [1, 2, 3, 5, 8, 13]) {
      let pending = ''
      const frozen: string[] = []
      for (let i = 0; i < ANSWER.length; i += size) {
        pending += ANSWER.slice(i, i + size)
        const { finished, rest } = takeFinished(pending)
        frozen.push(...finished)
        pending = rest
      }
      expect([...frozen, pending].flatMap(parseBlocks), `chunk size ${size}`).toEqual(whole)
    }
  })
})

describe('parseBlocks', () => {
  it('parses headings, paragraphs, lists and fenced code as text, never as HTML', () => {
    expect(parseBlocks(ANSWER)).toEqual([
      { kind: 'h', level: 1, inline: [{ kind: 'text', text: 'Title' }] },
      {
        kind: 'p',
        lines: [
          [
            { kind: 'text', text: 'Some ' },
            { kind: 'strong', text: 'bold' },
            { kind: 'text', text: ' and ' },
            { kind: 'code', text: 'code' },
            { kind: 'text', text: ' text' },
          ],
          [{ kind: 'text', text: 'on two lines.' }],
        ],
      },
      { kind: 'ul', items: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two' }]] },
      { kind: 'code', lang: 'ts', text: 'const a = 1\n\nconst b = "<b>"' },
      { kind: 'ol', items: [[{ kind: 'text', text: 'first' }], [{ kind: 'text', text: 'second' }]] },
      { kind: 'p', lines: [[{ kind: 'text', text: 'The end.' }]] },
    ])
  })

  it('leaves unmatched markers and markup as plain text', () => {
    expect(parseInline('a ** b ` <img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: 'a ** b ` <img src=x onerror=alert(1)>' }])
  })
})
