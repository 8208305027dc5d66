/**
 * A deterministic markdown answer of a given size, shaped like a model's: headings, paragraphs with
 * inline emphasis and code, lists (nested ones too), tables, quotes and fenced code blocks (some
 * right after a line of text), cut into equal chunks at arbitrary points
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
    switch (i % 8) {
      case 0:
        block = `## Part ${i / 8 + 1}\n`
        break
      case 6:
        block =
          '| step | what happens | cost |\n| --- | --- | ---: |\n' +
          Array.from({ length: 5 }, (_, k) => `| ${k + 1} | ${sentence(i + k, 6)} | ${(k + 1) * 3} ms |`).join('\n') +
          '\n'
        break
      case 7:
        block =
          `> ${sentence(i, 12)}\n\n` +
          Array.from({ length: 3 }, (_, k) => `${k + 1}. ${sentence(i + k, 6)}\n   - ${sentence(i + k + 1, 5)}\n   - ${sentence(i + k + 2, 4)}`).join('\n') +
          '\n'
        break
      case 2:
        block = Array.from({ length: 4 }, (_, k) => `- ${sentence(i + k, 8)}`).join('\n') + '\n'
        break
      case 4:
        block = 'For example:\n```ts\n' + Array.from({ length: 12 }, (_, k) => `const v${k} = await read(${k}) // ${sentence(i + k, 4)}`).join('\n') + '\n```\n'
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
