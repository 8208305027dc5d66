import { afterEach, describe, expect, it, vi } from 'vitest'
import { FailingWorker } from './failing-worker'
import { highlightTree } from './highlighter'

// Runs in happy-dom, which has no Worker: the browser's Worker is replaced here (vi.stubGlobal) by
// one that answers as app/client/highlight-worker.ts does (its highlightTree, in process) or that
// fails to load as a blocked script does (an `error` event). e2e/chat-ux.test.ts checks the real
// Worker in Chromium.

const PYTHON = 'def f():\n    return 1'

class AnsweringWorker extends EventTarget {
  static made = 0
  constructor() {
    super()
    AnsweringWorker.made++
  }
  postMessage({ id, lang, text }: { id: number; lang: string; text: string }): void {
    setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: { id, tree: highlightTree(lang, text) } })), 0)
  }
  terminate(): void {}
}

async function freshHighlighter() {
  vi.resetModules()
  const { loadHighlighter } = await import('./highlight')
  return loadHighlighter()
}

function codeOf(text: string): HTMLElement {
  const code = document.createElement('code')
  code.textContent = text
  return code
}

afterEach(() => vi.unstubAllGlobals())

describe('highlighting code blocks', () => {
  it('applies the tree the Worker sends back, with the same text; an unknown language stays plain', async () => {
    vi.stubGlobal('Worker', AnsweringWorker)
    const highlighter = await freshHighlighter()
    const code = codeOf(PYTHON)
    expect(await highlighter.highlightCode(code, 'python')).toBe(true)
    expect(code.classList.contains('hljs')).toBe(true)
    expect([...code.querySelectorAll('.hljs-keyword')].map((k) => k.textContent)).toEqual(['def', 'return'])
    expect(code.textContent).toBe(PYTHON)
    const plain = codeOf('zz')
    expect(await highlighter.highlightCode(plain, 'no-such-language')).toBe(false)
    expect(plain.classList.contains('hljs')).toBe(false)
    expect(AnsweringWorker.made).toBe(1)
  })

  it('highlights on the page when the Worker fails to load, the blocks already sent included', async () => {
    vi.stubGlobal('Worker', FailingWorker)
    const highlighter = await freshHighlighter()
    const sent = codeOf(PYTHON)
    const highlighted = highlighter.highlightCode(sent, 'python')
    expect(await highlighted).toBe(true)
    expect(sent.querySelector('.hljs-keyword')?.textContent).toBe('def')
    const later = codeOf('x = 1')
    expect(await highlighter.highlightCode(later, 'python')).toBe(true)
    expect(later.querySelector('.hljs-number')?.textContent).toBe('1')
  })
})
