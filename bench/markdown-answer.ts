/**
 * A deterministic markdown answer of a given size, shaped like a model's: headings, paragraphs with
 * inline emphasis and code, lists, and fenced code blocks, cut into equal chunks at arbitrary points
 * (mid-word, mid-line, mid-fence), as tokens arrive.
 */
const WORDS =
  'the edge proxy streams each token as it arrives so a reader sees the answer grow without waiting for the model to finish its turn'.split(
    ' ',
  )

function sentence(seed: number, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) {
    const w = WORDS[(seed * 7 + i * 13) % WORDS.length]
    out.push(i % 11 === 5 ? `**${w}**` : i % 17 === 9 ? `\`${w}()\`` : w)
  }
  const s = out.join(' ')
  return s[0].toUpperCase() + s.slice(1) + '.'
}

export function markdownAnswer(bytes: number): string {
  const parts: string[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    let block: string
    switch (i % 6) {
      case 0:
        block = `## Part ${i / 6 + 1}\n`
        break
      case 2:
        block = Array.from({ length: 4 }, (_, k) => `- ${sentence(i + k, 8)}`).join('\n') + '\n'
        break
      case 4:
        block = '```ts\n' + Array.from({ length: 12 }, (_, k) => `const v${k} = await read(${k}) // ${sentence(i + k, 4)}`).join('\n') + '\n```\n'
        break
      default:
        block = `${sentence(i, 40)} ${sentence(i + 1, 30)}\n`
    }
    parts.push(block + '\n')
    size += block.length + 1
  }
  return parts.join('').slice(0, bytes)
}

export function chunked(text: string, chunks: number): string[] {
  const size = Math.ceil(text.length / chunks)
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size))
}
