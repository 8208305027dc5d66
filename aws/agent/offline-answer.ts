/**
 * The offline model's text: a pure function of the prompt and the conversation so far, so the same
 * conversation always produces the same answer (tests and benchmarks compare runs byte for byte).
 *
 * Shape: a quote of the prompt, a line recalling the previous prompt (multi-turn memory is visible
 * end to end), a paragraph, a list, a table of the prompt's first words when the prompt asks for a
 * table (`table`, `tables` or the Japanese 表; Japanese, written without spaces, is split into words
 * by script), a fenced code block, then optional filler paragraphs.
 * Prompts that ask for no table get exactly the answer they got before tables existed.
 * Length: `words:N` in the prompt adds N words of filler (at most MAX_FILLER_WORDS); the word `long`
 * means `words:600`; otherwise a short paragraph of filler follows.
 */

export const DEFAULT_FILLER_WORDS = 40
export const LONG_FILLER_WORDS = 600
export const MAX_FILLER_WORDS = 20_000
/** Rows in the table of the prompt's words (see wordTable). */
export const TABLE_ROWS = 5

export interface AnswerInput {
  prompt: string
  /** The conversation's earlier user prompts, oldest first. */
  earlier: readonly string[]
}

export function composeAnswer({ prompt, earlier }: AnswerInput): string {
  const words = prompt.split(/\s+/).filter(Boolean)
  const turn = earlier.length + 1
  const parts: string[] = [`**Offline model** — you asked:`, `> ${shorten(prompt, 240)}`]
  if (earlier.length > 0) {
    parts.push(`Earlier you asked: “${shorten(earlier[earlier.length - 1], 160)}” — this is turn ${turn} of our conversation.`)
  }
  parts.push(
    'This answer comes from the embedded offline model: it is deterministic and streams at a fixed pace, ' +
      'so the page, the tests and the benchmarks see the same thing every time.',
    [
      `- Your prompt has ${words.length} ${words.length === 1 ? 'word' : 'words'} and ${[...prompt].length} characters.`,
      `- Its longest word is “${longestWord(words)}”.`,
      `- Set \`AGENT_MODEL_ID\` to a Bedrock model id for real answers.`,
    ].join('\n'),
  )
  if (asksForTable(prompt)) parts.push("Your prompt's first words, in a table:", wordTable(words))
  parts.push(
    codeBlock('json', JSON.stringify({ prompt: shorten(prompt, 500), turn }, null, 2)),
  )
  const seed = hash([...earlier, prompt].join('\u0000'))
  parts.push(...filler(requestedFillerWords(prompt), seed))
  return parts.join('\n\n') + '\n'
}

/** How many filler words the prompt asks for (see the module comment). */
export function requestedFillerWords(prompt: string): number {
  const match = /\bwords:(\d+)\b/i.exec(prompt)
  if (match) return Math.min(Number(match[1]), MAX_FILLER_WORDS)
  return /\blong\b/i.test(prompt) ? LONG_FILLER_WORDS : DEFAULT_FILLER_WORDS
}

/**
 * Whether the prompt asks for a table: the word `table(s)` in any case (ASCII word boundaries, as the
 * Python twin's re.ASCII sees them), or 表 outside 表示 ("show") and 表現 ("expression"), the two
 * everyday words that hold it without meaning a table.
 */
export function asksForTable(prompt: string): boolean {
  return /\btables?\b/i.test(prompt) || /表(?![示現])/.test(prompt)
}

/**
 * A GFM table of the prompt's first words (tableWords) with their length in characters. Every cell's
 * ASCII punctuation is backslash-escaped (CommonMark allows that for all of it), so a word shows as
 * typed: a `|` cannot end its cell, a backtick cannot open a code span that would keep `\|` as written.
 */
function wordTable(words: readonly string[]): string {
  const rows = tableWords(words, TABLE_ROWS).map((word, i) => `| ${i + 1} | ${tableCell(shorten(word, 40))} | ${[...word].length} |`)
  return ['| # | Word | Characters |', '| ---: | :--- | ---: |', ...rows].join('\n')
}

/**
 * The first `count` words of the table: the prompt's whitespace-separated words as they are, except
 * that a word holding Japanese (written without spaces) is split where its script changes
 * (japaneseWords). Only as many words are looked at as the table needs.
 */
function tableWords(words: readonly string[], count: number): string[] {
  const out: string[] = []
  for (const word of words) {
    if (out.length >= count) break
    const chars = [...word]
    if (chars.some((c) => JAPANESE.has(scriptOf(c.codePointAt(0)!)))) out.push(...japaneseWords(chars, count - out.length))
    else out.push(word)
  }
  return out
}

type Script = 'kanji' | 'hiragana' | 'katakana' | 'latin' | 'other' | 'punctuation'
const JAPANESE = new Set<Script>(['kanji', 'hiragana', 'katakana'])

/**
 * The first `count` runs of one script (kanji, katakana, Latin letters and digits, anything else),
 * punctuation dropped; a run of hiragana stays with the run just before it, as particles and verb
 * endings belong to the word they follow: エッジからのストリーミングを表と → エッジからの,
 * ストリーミングを, 表と. Written by hand from code point ranges rather than with \p{Script=…}: the
 * Python twin (offline_answer.py) has no script classes in `re`, and the two must split every text alike.
 */
function japaneseWords(chars: readonly string[], count: number): string[] {
  const parts: string[] = []
  let current = ''
  let last: Script | undefined
  for (const c of chars) {
    const script = scriptOf(c.codePointAt(0)!)
    if (script === 'punctuation') {
      if (current) parts.push(current)
      current = ''
    } else if (current && (script === last || script === 'hiragana')) {
      current += c
    } else {
      if (current) parts.push(current)
      current = c
    }
    last = script
    if (parts.length >= count) return parts.slice(0, count)
  }
  if (current) parts.push(current)
  return parts.slice(0, count)
}

// [first, last, script], tried in order: 々 〆 〇 〻 are kanji marks inside the CJK punctuation block,
// ・ (U+30FB) is punctuation inside katakana's, and ー (U+30FC) belongs to katakana words.
const SCRIPT_RANGES: ReadonlyArray<readonly [number, number, Script]> = [
  [0x3400, 0x4dbf, 'kanji'], [0x4e00, 0x9fff, 'kanji'], [0xf900, 0xfaff, 'kanji'], [0x20000, 0x3ffff, 'kanji'], [0x3005, 0x3007, 'kanji'], [0x303b, 0x303b, 'kanji'],
  [0x3041, 0x309f, 'hiragana'],
  [0x30a0, 0x30fa, 'katakana'], [0x30fc, 0x30ff, 'katakana'], [0x31f0, 0x31ff, 'katakana'], [0xff66, 0xff9f, 'katakana'],
  [0x30, 0x39, 'latin'], [0x41, 0x5a, 'latin'], [0x61, 0x7a, 'latin'], [0xff10, 0xff19, 'latin'], [0xff21, 0xff3a, 'latin'], [0xff41, 0xff5a, 'latin'],
  [0xc0, 0xd6, 'latin'], [0xd8, 0xf6, 'latin'], [0xf8, 0x24f, 'latin'],
  [0x21, 0x2f, 'punctuation'], [0x3a, 0x40, 'punctuation'], [0x5b, 0x60, 'punctuation'], [0x7b, 0x7e, 'punctuation'], [0xa1, 0xbf, 'punctuation'],
  [0xd7, 0xd7, 'punctuation'], [0xf7, 0xf7, 'punctuation'], [0x2010, 0x2027, 'punctuation'], [0x2030, 0x205e, 'punctuation'], [0x3000, 0x303f, 'punctuation'],
  [0x30fb, 0x30fb, 'punctuation'], [0xff01, 0xff0f, 'punctuation'], [0xff1a, 0xff20, 'punctuation'], [0xff3b, 0xff40, 'punctuation'], [0xff5b, 0xff65, 'punctuation'],
]

function scriptOf(cp: number): Script {
  for (const [first, last, script] of SCRIPT_RANGES) if (cp >= first && cp <= last) return script
  return 'other'
}

function tableCell(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&')
}

/**
 * Splits text into the chunks the model streams: each word with the whitespace after it. Joining the
 * chunks gives the text back exactly.
 */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? []
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = [...flat]
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…'
}

function longestWord(words: readonly string[]): string {
  // The best length is kept, not recounted per word: recounting made one long word followed by many
  // short ones quadratic (a second of blocked event loop for a 32 000-character prompt).
  let best = ''
  let bestLength = 0
  for (const word of words) {
    const length = [...word].length
    if (length > bestLength) [best, bestLength] = [word, length]
  }
  return shorten(best, 60)
}

/** A fence longer than any backtick run inside, so a prompt quoting ``` cannot close it early. */
function codeBlock(lang: string, body: string): string {
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}${lang}\n${body}\n${fence}`
}

const VOCABULARY = (
  'stream token edge worker lambda agent session answer browser latency chunk signal cancel buffer ' +
  'region model prompt history gateway runtime request response event frame reader parser render island ' +
  'steady quick careful simple small clear honest useful bounded ordered partial complete early late ' +
  'flows arrives waits carries keeps returns ends starts shows holds sends reads writes measures'
).split(' ')

/** Paragraphs of pseudo-random sentences, `count` words in all, seeded so they repeat exactly. */
function filler(count: number, seed: number): string[] {
  const next = mulberry32(seed)
  const paragraphs: string[] = []
  let sentences: string[] = []
  let left = count
  while (left > 0) {
    const length = Math.min(left, 8 + Math.floor(next() * 9))
    const words = Array.from({ length }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)])
    words[0] = words[0][0].toUpperCase() + words[0].slice(1)
    sentences.push(words.join(' ') + '.')
    left -= length
    if (sentences.length >= 3 + Math.floor(next() * 3) || left === 0) {
      paragraphs.push(sentences.join(' '))
      sentences = []
    }
  }
  return paragraphs
}

/** FNV-1a, 32 bit: a stable seed from text. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A tiny seeded PRNG; Math.random cannot be seeded and determinism is the point here. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
