import { describe, expect, it } from 'vitest'
import { patchChildren } from './patch-dom'

// Runs in happy-dom (vitest project `dom`).

function nodes(html: string): Node[] {
  const t = document.createElement('template')
  t.innerHTML = html
  return [...t.content.childNodes]
}

describe('patchChildren', () => {
  it('ends with the same markup as the new nodes, keeping the nodes that match', () => {
    const parent = document.createElement('div')
    patchChildren(parent, nodes('<p>one <strong>two</strong> thr</p><ul><li>a</li></ul>'))
    const p = parent.firstChild!
    const strong = parent.querySelector('strong')!
    const text = p.lastChild!
    patchChildren(parent, nodes('<p>one <strong>two</strong> three</p><ol><li>a</li></ol><hr>'))
    expect(parent.innerHTML).toBe('<p>one <strong>two</strong> three</p><ol><li>a</li></ol><hr>')
    expect(parent.firstChild).toBe(p)
    expect(parent.querySelector('strong')).toBe(strong)
    expect(p.lastChild).toBe(text)
  })

  it('replaces an element whose attributes differ, and removes what the new nodes lack', () => {
    const parent = document.createElement('div')
    patchChildren(parent, nodes('<a href="https://a.example/">x</a><p>1</p><p>2</p>'))
    const a = parent.firstChild
    patchChildren(parent, nodes('<a href="https://b.example/">x</a>text'))
    expect(parent.innerHTML).toBe('<a href="https://b.example/">x</a>text')
    expect(parent.firstChild).not.toBe(a)
    patchChildren(parent, [])
    expect(parent.childNodes).toHaveLength(0)
  })

  it('changes text that does not grow at its end, too', () => {
    const parent = document.createElement('div')
    patchChildren(parent, nodes('**wor'))
    patchChildren(parent, nodes('<strong>word</strong>'))
    expect(parent.innerHTML).toBe('<strong>word</strong>')
    patchChildren(parent, nodes('abc'))
    const text = parent.firstChild
    patchChildren(parent, nodes('xbc'))
    expect(parent.innerHTML).toBe('xbc')
    expect(parent.firstChild).toBe(text)
  })
})
