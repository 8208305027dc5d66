import { describe, expect, it, vi } from 'vitest'
import { composeAnswer, tokenize } from '../../aws/agent/offline-answer'
import { en } from '../i18n/en'
import { ja } from '../i18n/ja'
import { CORPUS } from './markdown-corpus'
import { atOnce } from './near-viewport'
import { MarkdownView } from './render-markdown'

// Runs in happy-dom (vitest project `dom`, see vitest.config.ts): the renderer builds real DOM nodes.
// happy-dom's IntersectionObserver never reports, so the tests that highlight do it at once
// (`whenNear: atOnce`); e2e/page.test.ts has Chromium's, a block highlighted when near the view.

/** Renders on every append (the per-frame default would leave it all to end()). */
const now = (render: () => void) => render()

function render(chunks: readonly string[], highlight = false): { root: HTMLElement; view: MarkdownView } {
  const root = document.createElement('div')
  const view = new MarkdownView(root, { labels: en, highlight, schedule: now, whenNear: atOnce })
  for (const chunk of chunks) view.append(chunk)
  view.end()
  return { root, view }
}

const html = (chunks: readonly string[]) => render(chunks).root.innerHTML

/** Chunk sizes from a fixed seed (a small LCG): repeatable, and unlike any one regular size. */
function randomChunks(text: string, seed: number, max: number): string[] {
  const out: string[] = []
  let s = seed
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const n = 1 + (s % max)
    out.push(text.slice(i, i + n))
    i += n
  }
  return out
}

/** Appends `chunks` with the view's renders queued as frames, run after every few chunks (seeded). */
function framed(chunks: readonly string[], seed: number): { root: HTMLElement; frames: number } {
  const root = document.createElement('div')
  const queue: Array<() => void> = []
  const view = new MarkdownView(root, { labels: en, highlight: false, schedule: (render) => queue.push(render) })
  let s = seed
  let frames = 0
  for (const chunk of chunks) {
    view.append(chunk)
    s = (s * 1103515245 + 12345) % 2 ** 31
    if (s % 6 === 0) {
      for (const render of queue.splice(0)) render()
      frames++
    }
  }
  view.end()
  // A frame that comes after the end finds nothing left to render.
  for (const render of queue.splice(0)) render()
  return { root, frames }
}

/** The open block's node: the open blocks are the last group's last children (render-markdown.ts place). */
function openBlock(root: HTMLElement): ChildNode {
  return root.lastElementChild!.lastChild!
}

describe('MarkdownView: every split gives the same DOM as the whole answer', () => {
  for (const [name, answer] of Object.entries(CORPUS)) {
    it(`${name}: split in two at every position`, () => {
      const whole = html([answer])
      for (let i = 1; i < answer.length; i++) {
        const split = html([answer.slice(0, i), answer.slice(i)])
        if (split !== whole) expect(split, `split at ${i}: ${JSON.stringify(answer.slice(Math.max(0, i - 20), i))}|`).toBe(whole)
      }
    })

    it(`${name}: one character at a time, and in random chunks`, () => {
      const whole = html([answer])
      expect(html([...answer]), 'one character per chunk').toBe(whole)
      for (const seed of [1, 2, 3, 4]) expect(html(randomChunks(answer, seed, 24)), `seed ${seed}`).toBe(whole)
    })

    it(`${name}: chunks coalesced into frames (renders between some appends only) end the same`, () => {
      const whole = html([answer])
      for (const seed of [5, 6, 7]) {
        // A frame comes after a random number of chunks (1 to 6): the view renders what they added at once.
        const { root, frames } = framed(randomChunks(answer, seed, 16), seed)
        expect(root.innerHTML, `seed ${seed}`).toBe(whole)
        expect(frames).toBeGreaterThan(1)
      }
    })

    it(`${name}: CR LF line ends render as LF, even split between CR and LF`, () => {
      const crlf = answer.replace(/\n/g, '\r\n')
      expect(html([...crlf])).toBe(html([answer]))
    })
  }
})

describe('MarkdownView: what it renders', () => {
  const { root } = render([CORPUS.english])

  it('headings sit below the page headings; emphasis, code, tables, quotes and nested lists are elements', () => {
    expect(root.querySelector('h4')?.textContent).toBe('How to stream a response from a Worker')
    expect(root.querySelector('p strong')?.textContent).toBe('right away')
    expect(root.querySelector('p em')?.textContent).toBe('before')
    expect([...root.querySelectorAll('p code')].map((c) => c.textContent)).toContain('TransformStream')
    const ol = root.querySelector('ol')!
    expect(ol.children).toHaveLength(3)
    expect([...ol.querySelectorAll(':scope > li > ul > li')].map((li) => li.textContent)).toEqual(['send : ping every 15 s', 'stop them once the first token arrives'])
    expect([...root.querySelectorAll('th')].map((th) => [th.textContent, th.className, th.getAttribute('scope')])).toEqual([
      ['Setting', 'align-left', 'col'],
      ['Default', 'align-center', 'col'],
      ['Recommended', 'align-right', 'col'],
    ])
    expect(root.querySelectorAll('tbody tr')).toHaveLength(2)
    expect(root.querySelector('blockquote strong')?.textContent).toBe('Note:')
    expect(root.querySelector('blockquote br')).not.toBeNull()
    expect(root.querySelector('hr')).not.toBeNull()
  })

  it("the offline model's answer to the welcome page's table example has a <table> of the prompt's words, streamed or whole", () => {
    const cellsOf = (root: HTMLElement) => [...root.querySelectorAll('table tr')].map((tr) => [...tr.children].map((c) => [c.tagName, c.textContent]))
    const answer = composeAnswer({ prompt: en.example4, earlier: [] })
    // Chunked as the offline model streams it (aws/agent/offline-model.ts).
    const { root } = render(tokenize(answer))
    expect(root.innerHTML).toBe(html([answer]))
    expect(root.querySelectorAll('table')).toHaveLength(1)
    expect(cellsOf(root)).toEqual([
      [['TH', '#'], ['TH', 'Word'], ['TH', 'Characters']],
      [['TD', '1'], ['TD', 'Explain'], ['TD', '7']],
      [['TD', '2'], ['TD', 'streaming'], ['TD', '9']],
      [['TD', '3'], ['TD', 'from'], ['TD', '4']],
      [['TD', '4'], ['TD', 'the'], ['TD', '3']],
      [['TD', '5'], ['TD', 'edge'], ['TD', '4']],
    ])
    expect([...root.querySelectorAll('th')].map((th) => th.className)).toEqual(['align-right', 'align-left', 'align-right'])
    // The table sits between the list and the code block.
    const wrap = root.querySelector('.table-wrap')!
    expect(wrap.previousElementSibling?.textContent).toBe("Your prompt's first words, in a table:")
    expect(wrap.previousElementSibling?.previousElementSibling?.tagName).toBe('UL')
    expect(wrap.nextElementSibling?.classList.contains('code-block')).toBe(true)
    const jaRoot = render(tokenize(composeAnswer({ prompt: ja.example4, earlier: [] }))).root
    // Japanese, written without spaces, gives a row per word (aws/agent/offline-answer.ts japaneseWords).
    expect(cellsOf(jaRoot).slice(1)).toEqual([
      [['TD', '1'], ['TD', 'エッジからの'], ['TD', '6']],
      [['TD', '2'], ['TD', 'ストリーミングを'], ['TD', '8']],
      [['TD', '3'], ['TD', '表と'], ['TD', '2']],
      [['TD', '4'], ['TD', 'コード'], ['TD', '3']],
      [['TD', '5'], ['TD', '例で'], ['TD', '2']],
    ])
  })

  it("keeps the offline model's table whole when the prompt holds |, backslashes, backticks and other markdown", () => {
    const words = ['a|b', '`x\\|y`', '||', '\\', '*not*_em_<b>[x](y)']
    const { root } = render(tokenize(composeAnswer({ prompt: `table ${words.join(' ')}`, earlier: [] })))
    const rows = [...root.querySelectorAll('tbody tr')]
    expect(rows.map((tr) => tr.children.length)).toEqual([3, 3, 3, 3, 3])
    expect(rows.map((tr) => tr.children[1].textContent)).toEqual(['table', ...words.slice(0, 4)])
    expect(root.querySelector('table code, table em, table a, table b')).toBeNull()
  })

  it('a fence right after text, holding a blank line, is one code block after the paragraph', () => {
    const blocks = root.querySelectorAll('.code-block')
    expect(blocks).toHaveLength(1)
    expect(blocks[0].previousElementSibling?.textContent).toBe("Here's a minimal example:")
    expect(blocks[0].querySelector('code')!.textContent).toContain('new TransformStream()\n\n    // Pump')
    expect(blocks[0].querySelector('code')!.dataset.lang).toBe('ts')
    expect(blocks[0].querySelector('.code-lang')?.textContent).toBe('ts')
    expect(blocks[0].querySelector('button.copy')?.getAttribute('aria-label')).toBe(en.copyCode)
    // The fence after the code is followed by text, again with no blank line: a paragraph.
    expect(blocks[0].nextElementSibling?.textContent).toBe('A few things to watch:')
  })

  it('links open safely and only for http, https and mailto', () => {
    const links = [...root.querySelectorAll('a')]
    expect(links.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')])).toEqual([
      ['https://developers.cloudflare.com/workers/', 'noopener noreferrer', '_blank'],
      ['mailto:support@example.com', 'noopener noreferrer', '_blank'],
    ])
    const bad = render([CORPUS.adversarial]).root
    const hrefs = [...bad.querySelectorAll('a')].map((a) => a.getAttribute('href'))
    expect(hrefs).toEqual(['https://example.com/docs', 'http://www.example.com/', 'https://example.org/path?q=1', 'https://example.com/pixel.png'])
    expect(bad.textContent).toContain('bad, data, rel, ok')
  })

  it('raw HTML in the answer stays text: no element comes from it', () => {
    const bad = render([CORPUS.adversarial]).root
    expect(bad.querySelectorAll('script, img, div.x, b, iframe')).toHaveLength(0)
    expect(bad.textContent).toContain('<script>alert(1)</script>')
    expect(bad.textContent).toContain('<img src=x onerror="alert(2)">')
    expect(bad.querySelector('p.raw')?.textContent).toBe('<div class="x">\nblock <b>html</b>\n</div>')
    expect(bad.querySelector('h3')?.textContent).toBe('Title with setext')
    expect([...bad.querySelectorAll('.task')].map((t) => t.textContent)).toEqual(['☑', '☐'])
    expect(bad.querySelector('del')?.textContent).toBe('struck')
    expect([...bad.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['echo "tilde fence"', 'indented code block', '```\ninner fence stays text\n\n```'])
    expect(bad.querySelector('blockquote blockquote')?.textContent).toBe('nested quote')
  })

  it('renders once per frame, however many chunks arrive in it', () => {
    const root = document.createElement('div')
    const frames: Array<() => void> = []
    // The schedule is told how much text the render will add (render-schedule.ts: a flood is rendered less often).
    const sizes: Array<() => number> = []
    const view = new MarkdownView(root, {
      labels: en,
      highlight: false,
      schedule: (render, size) => {
        frames.push(render)
        if (size) sizes.push(size)
      },
    })
    view.append('first ')
    view.append('paragraph\n\nsec')
    view.append('ond')
    expect(frames).toHaveLength(1)
    expect(root.textContent).toBe('')
    expect(sizes[0]?.()).toBe('first paragraph\n\nsecond'.length)
    frames.shift()!()
    expect(root.querySelector('.md-done p')?.textContent).toBe('first paragraph')
    expect(openBlock(root).textContent).toBe('second')
    view.append(' grows')
    expect(frames).toHaveLength(1)
    frames.shift()!()
    expect(openBlock(root).textContent).toBe('second grows')
  })

  it('keeps the open block\'s nodes while it grows: only its text changes', () => {
    const root = document.createElement('div')
    const view = new MarkdownView(root, { labels: en, highlight: false, schedule: now })
    view.append('a paragraph with **bold** and')
    const p = openBlock(root) as Element
    const strong = p.querySelector('strong')!
    const tail = p.lastChild!
    view.append(' more text')
    expect(openBlock(root)).toBe(p)
    expect(p.querySelector('strong')).toBe(strong)
    expect(p.lastChild).toBe(tail)
    expect(tail.textContent).toBe(' and more text')
    view.append('\n```ts\nconst a')
    const code = (openBlock(root) as Element).querySelector('code')!
    view.append(' = 1')
    expect((openBlock(root) as Element).querySelector('code')).toBe(code)
    expect(code.textContent).toBe('const a = 1')
  })

  it('a block that freezes keeps the nodes it had while open, in place (not built and laid out again), code highlighted on them', async () => {
    const root = document.createElement('div')
    const view = new MarkdownView(root, { labels: en, schedule: now, whenNear: atOnce })
    view.append('a paragraph with **bold**\n\n```python\nprint(1)\n')
    const [p, code] = [root.querySelector('p')!, root.querySelector('code')!]
    view.append('```\n\nnext')
    expect(root.querySelector('p')).toBe(p)
    expect(root.querySelector('code')).toBe(code)
    expect(openBlock(root).textContent).toBe('next')
    view.end()
    await view.settled()
    view.flush()
    expect(root.querySelector('code')).toBe(code)
    expect(code.querySelector('span[class^="hljs-"]')).not.toBeNull()
    expect(code.textContent).toBe('print(1)')
  })

  it('freezes finished blocks: a chunk re-renders only the open block', () => {
    const root = document.createElement('div')
    const view = new MarkdownView(root, { labels: en, highlight: false, schedule: now })
    view.append('# One\n\nfirst paragraph\n\nsecond')
    const first = root.querySelector('.md-done p')!
    expect(first.textContent).toBe('first paragraph')
    expect(openBlock(root).textContent).toBe('second')
    view.append(' paragraph grows\n\n- a list')
    expect(root.querySelector('.md-done p')).toBe(first)
    expect(openBlock(root).textContent).toBe('a list')
    expect(view.markdown).toBe('# One\n\nfirst paragraph\n\nsecond paragraph grows\n\n- a list')
  })

  it('highlights finished code blocks with the same text, loading the highlighter on demand', async () => {
    const { root, view } = render([CORPUS.japanese], true)
    await view.settled()
    const code = root.querySelector('code[data-lang="python"]')!
    expect(code.classList.contains('hljs')).toBe(true)
    expect([...code.querySelectorAll('.hljs-keyword')].map((k) => k.textContent)).toEqual(['def', 'for', 'in', 'yield'])
    expect(code.textContent).toBe('def handler(event, context):\n    for chunk in agent.stream(event["prompt"]):\n\n        yield chunk')
  })

  it("writes a block's highlighting in the view's next render, not when it comes back", async () => {
    const root = document.createElement('div')
    const frames: Array<() => void> = []
    const view = new MarkdownView(root, { labels: en, highlight: true, schedule: (render) => frames.push(render), whenNear: atOnce })
    view.append('```python\ndef f():\n    return 1\n```\n')
    view.end()
    expect(frames).toHaveLength(1)
    frames.shift()!()
    const code = root.querySelector('code[data-lang="python"]')!
    // The highlighted tree is back: it asked for a render and waits for it.
    await vi.waitFor(() => expect(frames).toHaveLength(1))
    expect(code.querySelector('.hljs-keyword')).toBeNull()
    frames.shift()!()
    await view.settled()
    expect([...code.querySelectorAll('.hljs-keyword')].map((k) => k.textContent)).toEqual(['def', 'return'])
    expect(code.textContent).toBe('def f():\n    return 1')
  })

  it('highlights a finished block only once it is near the view, and never one the page dropped', async () => {
    // The view asks whenNear about each finished block; here the test says when each is near.
    const near = new Map<Element, () => void>()
    const stopped: Element[] = []
    const whenNear = (el: Element, then: () => void) => {
      near.set(el, then)
      return () => void stopped.push(el)
    }
    const root = document.createElement('div')
    const view = new MarkdownView(root, { labels: en, schedule: now, whenNear })
    view.append('```python\ndef f():\n    return 1\n```\n\n```python\nx = 2\n```\n\n')
    const [first, second] = root.querySelectorAll('code[data-lang="python"]')
    expect([...near.keys()]).toEqual([first, second])
    await view.settled()
    expect(first.classList.contains('hljs')).toBe(false)
    near.get(first)!()
    await view.settled()
    expect(first.querySelector('.hljs-keyword')?.textContent).toBe('def')
    expect(second.classList.contains('hljs')).toBe(false)
    // Dropped unfinished (another chat opened): the block still waiting is let go, not highlighted later.
    view.drop()
    expect(stopped).toEqual([second])
  })
})
