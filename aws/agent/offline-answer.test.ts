import { describe, expect, it } from 'vitest'
import { en } from '../../app/i18n/en'
import { ja } from '../../app/i18n/ja'
import { asksForTable, composeAnswer, DEFAULT_FILLER_WORDS, LONG_FILLER_WORDS, MAX_FILLER_WORDS, requestedFillerWords, tokenize } from './offline-answer'

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

  it('adds a table of the prompt\'s first words, before the code block, when the prompt asks for a table', () => {
    const answer = composeAnswer({ prompt: 'Explain streaming from the edge in a table and a code example', earlier: [] })
    const blocks = answer.trim().split('\n\n')
    const table = blocks.findIndex((b) => b.startsWith('| # |'))
    expect(blocks[table - 1]).toBe("Your prompt's first words, in a table:")
    expect(blocks[table]).toBe(
      [
        '| # | Word | Characters |',
        '| ---: | :--- | ---: |',
        '| 1 | Explain | 7 |',
        '| 2 | streaming | 9 |',
        '| 3 | from | 4 |',
        '| 4 | the | 3 |',
        '| 5 | edge | 4 |',
      ].join('\n'),
    )
    expect(blocks[table + 1]).toMatch(/^```json\n/)
    expect(blocks[table - 2]).toMatch(/^- Your prompt has 12 words/)
  })

  it('splits Japanese, written without spaces, into words by script for the table: one row per word, not one for the prompt', () => {
    // The Japanese example prompt (app/i18n/ja.ts example4) is one whitespace-separated word; a run of
    // hiragana stays with the word before it (particles, verb endings).
    const rows = (prompt: string) => composeAnswer({ prompt, earlier: [] }).split('\n').filter((line) => /^\| \d/.test(line))
    expect(ja.example4).toBe('エッジからのストリーミングを表とコード例で説明して')
    expect(rows(ja.example4)).toEqual(['| 1 | エッジからの | 6 |', '| 2 | ストリーミングを | 8 |', '| 3 | 表と | 2 |', '| 4 | コード | 3 |', '| 5 | 例で | 2 |'])
    // The word count and the longest word still count whitespace-separated words: only the table changed.
    expect(composeAnswer({ prompt: ja.example4, earlier: [] })).toContain('- Your prompt has 1 word and 25 characters.')
    // Punctuation (Japanese and ASCII) is dropped; Latin letters and digits, full-width too, and emoji are words of their own.
    expect(rows('「東京」と大阪の表、Pythonで！家族👨‍👩‍👧')).toEqual(['| 1 | 東京 | 2 |', '| 2 | と | 1 |', '| 3 | 大阪の | 3 |', '| 4 | 表 | 1 |', '| 5 | Pythonで | 7 |'])
    expect(rows('表 家族👨‍👩‍👧ＡＢＣ１２３です 人々・ラーメン')).toEqual(['| 1 | 表 | 1 |', '| 2 | 家族 | 2 |', '| 3 | 👨‍👩‍👧 | 5 |', '| 4 | ＡＢＣ１２３です | 8 |', '| 5 | 人々 | 2 |'])
    // A word with no Japanese in it stays whole, punctuation and all, beside Japanese words.
    expect(rows('table: café, (x) 表です')).toEqual(['| 1 | table\\: | 6 |', '| 2 | café\\, | 5 |', '| 3 | \\(x\\) | 3 |', '| 4 | 表です | 3 |'])
  })

  it('asks for a table on the word table(s) or 表, not inside other words or in 表示 and 表現', () => {
    for (const prompt of [en.example4, ja.example4, 'a table', 'TABLES please', 'table, then code', '表にまとめて', '一覧表で', '表']) expect(asksForTable(prompt), prompt).toBe(true)
    for (const prompt of ['timetable', 'tabled', 'table_x', 'stable', '結果を表示して', '別の表現で', 'How do streams work?']) {
      expect(asksForTable(prompt), prompt).toBe(false)
    }
  })

  it('leaves an answer that asks for no table exactly as before (no table block, the list then the code block)', () => {
    // The answer to this prompt as it was before tables existed, byte for byte (recorded from main at f69e0d2).
    expect(composeAnswer({ prompt: 'Explain streaming with a list and code', earlier: ['hi'] })).toBe(BEFORE_TABLES)
    for (const prompt of ['How do streams work?', 'stable timetable words:10', '結果を表示して']) {
      const answer = composeAnswer({ prompt, earlier: [] })
      expect(answer, prompt).not.toMatch(/^\|/m)
      expect(answer, prompt).toMatch(/Bedrock model id for real answers\.\n\n```json\n/)
    }
  })

  it('escapes the cells, so a prompt with | or backticks cannot break the table or open a code span', () => {
    const answer = composeAnswer({ prompt: 'a|b table `x\\|y` || \\', earlier: [] })
    const rows = answer.split('\n').filter((line) => line.startsWith('| '))
    expect(rows.slice(2)).toEqual(['| 1 | a\\|b | 3 |', '| 2 | table | 5 |', '| 3 | \\`x\\\\\\|y\\` | 6 |', '| 4 | \\|\\| | 2 |', '| 5 | \\\\ | 1 |'])
    // Each row has exactly four unescaped pipes: the three columns hold.
    for (const row of rows) expect(row.replace(/\\./g, '').split('|'), row).toHaveLength(5)
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

const BEFORE_TABLES = `**Offline model** — you asked:

> Explain streaming with a list and code

Earlier you asked: “hi” — this is turn 2 of our conversation.

This answer comes from the embedded offline model: it is deterministic and streams at a fixed pace, so the page, the tests and the benchmarks see the same thing every time.

- Your prompt has 7 words and 38 characters.
- Its longest word is “streaming”.
- Set \`AGENT_MODEL_ID\` to a Bedrock model id for real answers.

\`\`\`json
{
  "prompt": "Explain streaming with a list and code",
  "turn": 2
}
\`\`\`

Frame signal ends early edge worker runtime useful render reads response steady runtime honest simple reads. Steady late signal model runtime steady gateway buffer steady small. Clear stream runtime starts signal island writes request edge shows.

Reads signal simple careful.
`
