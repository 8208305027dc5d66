import { describe, expect, it } from 'vitest'
import { collectLinks, safeHref, splitFrozen, type Links } from './markdown'
import { CORPUS } from './markdown-corpus'

const types = (source: string) => splitFrozen(source).frozen.map((t) => t.type)

describe('splitFrozen', () => {
  it('freezes a block only once another has begun on a complete line', () => {
    expect(types('para one\n\npara two')).toEqual(['paragraph', 'space'])
    expect(types('# Heading\n')).toEqual([])
    expect(types('# Heading\nText')).toEqual([])
    expect(types('# Heading\nText\n')).toEqual(['heading'])
    // A blank line ends a paragraph for good, so it freezes before the next block begins.
    expect(types('para one\n\n')).toEqual(['paragraph', 'space'])
    // An unfinished line may still change what it is: "```" can become "```x`", inline code.
    expect(types('text\n```')).toEqual([])
    expect(types('text\n```\n')).toEqual(['paragraph'])
    // A list followed by blank lines may go on.
    expect(types('- a\n\n')).toEqual([])
    expect(types('- a\n\n- b\n\nafter')).toEqual([])
    expect(types('- a\n\n- b\n\nafter\n')).toEqual(['list', 'space'])
    // Blank lines inside an open fence keep it open.
    expect(types('```\ncode\n\n\nmore')).toEqual([])
  })

  it('cuts at offsets whose frozen sources add up to the text, however it is chunked', () => {
    for (const answer of Object.values(CORPUS)) {
      for (const size of [1, 7, 64]) {
        let pending = ''
        let frozen = ''
        for (let i = 0; i < answer.length; i += size) {
          pending += answer.slice(i, i + size)
          const split = splitFrozen(pending)
          expect(split.frozen.map((t) => t.raw).join('')).toBe(split.frozenSource)
          frozen += split.frozenSource
          pending = pending.slice(split.frozenSource.length)
        }
        expect(frozen + pending).toBe(answer)
        // What stays open at the end is the last block, not the answer.
        expect(pending.length).toBeLessThan(answer.length / 2)
      }
    }
  })

  it('resolves reference links against definitions from frozen blocks', () => {
    const links: Links = {}
    collectLinks(splitFrozen('[docs]: https://example.com/a\n\nfirst\n').frozen, links)
    expect(links).toMatchObject({ docs: { href: 'https://example.com/a' } })
    const [paragraph] = splitFrozen('see [the docs][docs]', links).tokens
    expect(paragraph.type === 'paragraph' && paragraph.tokens?.[1]).toMatchObject({ type: 'link', href: 'https://example.com/a' })
  })
})

describe('safeHref', () => {
  it('keeps http, https and mailto; refuses other schemes and relative paths', () => {
    expect(safeHref('https://example.com/a b')).toBe('https://example.com/a%20b')
    expect(safeHref('mailto:a@example.com')).toBe('mailto:a@example.com')
    expect(safeHref('javascript:alert(1)')).toBeUndefined()
    expect(safeHref(' JAVASCRIPT:alert(1)')).toBeUndefined()
    expect(safeHref('data:text/html,x')).toBeUndefined()
    expect(safeHref('/relative')).toBeUndefined()
    expect(safeHref('')).toBeUndefined()
  })
})
