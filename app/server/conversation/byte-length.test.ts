import { describe, expect, it } from 'vitest'
import { byteLength } from './byte-length'

const encoded = (s: string) => new TextEncoder().encode(s).byteLength

describe('byteLength', () => {
  it('counts what TextEncoder writes: ASCII, 2- and 3-byte characters, surrogate pairs, lone surrogates', () => {
    const samples = ['', 'plain ASCII {"text":"a"}', 'é ü ß', 'Ω and ✓ and 中文', '😀 and 👩‍👩‍👧', '\ud800 lone high', 'lone low \udc00', 'end high \ud83d', '\u007f\u0080\u07ff\u0800\uffff']
    for (const s of samples) expect(byteLength(s), JSON.stringify(s)).toBe(encoded(s))
  })

  it('agrees with TextEncoder on every code unit of the BMP, each alone and before a low surrogate', () => {
    const strings = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).flatMap((s) => [s, s + '\udc00'])
    expect(strings.map(byteLength)).toEqual(strings.map(encoded))
  })
})
