import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from '../i18n/en'
import { FailingWorker } from './failing-worker'
import { CORPUS } from './markdown-corpus'
import { TailLexer } from './markdown-lexer'
import type { LexRequest } from './markdown-worker'
import { MarkdownView } from './render-markdown'
import { MAX_RENDER_INTERVAL_MS } from './render-schedule'
import type { AssistantTurn as Turn } from './turns'

// Runs in happy-dom, which has no Worker: the browser's Worker is replaced here (vi.stubGlobal) by
// one that answers as app/client/markdown-worker.ts does (a TailLexer per answer, the reply a
// structured clone, in a later task), or that fails to load or fails mid-answer as a Worker whose
// script is blocked or crashes does (an `error` event). The bench (npm run bench -- --only=page) and
// e2e/chat-ux.test.ts run the real Worker in Chromium.

class LexingWorker extends EventTarget {
  static made = 0
  /** Requests answered before the Worker fails (an `error` event); Infinity: never fails. */
  static failAfter = Infinity
  /** The last Worker made: what it holds is looked at by the tests of dropped answers. */
  static last: LexingWorker | undefined
  /** Each answer's tail, as markdown-worker.ts keeps them. */
  readonly tails = new Map<number, TailLexer>()
  /** Every request, in order (what was lexed where). */
  readonly requests: LexRequest[] = []
  private answered = 0
  constructor() {
    super()
    LexingWorker.made++
    LexingWorker.last = this
  }
  postMessage({ view, id, text, end, drop }: LexRequest): void {
    this.requests.push({ view, id, text, end, drop })
    setTimeout(() => {
      if (this.answered++ >= LexingWorker.failAfter) return void this.dispatchEvent(new Event('error'))
      if (drop) this.tails.delete(view)
      let tail = this.tails.get(view)
      if (!tail) this.tails.set(view, (tail = new TailLexer()))
      const lexed = drop ? { frozen: [], open: [], frozenLength: 0 } : tail.push(text, end)
      if (drop || end) this.tails.delete(view)
      this.dispatchEvent(new MessageEvent('message', { data: structuredClone({ view, id, lexed }) }))
    }, 0)
  }
  terminate(): void {}
}

/** MarkdownView from a fresh module graph, so that it starts its own Worker (lex-worker.ts keeps one per page). */
async function freshView(): Promise<typeof MarkdownView> {
  vi.resetModules()
  return (await import('./render-markdown')).MarkdownView
}

/** The answer rendered whole, lexed on the page: what every other way must give. */
function whole(answer: string): string {
  const root = document.createElement('div')
  const view = new MarkdownView(root, { labels: en, highlight: false, schedule: (render) => render(), lexInWorker: false })
  view.append(answer)
  view.end()
  return root.innerHTML
}

/** Chunk sizes from a fixed seed (a small LCG): repeatable, and unlike any one regular size. */
function randomChunks(text: string, seed: number, max: number): string[] {
  const out: string[] = []
  let s = seed
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    out.push(text.slice(i, i + 1 + (s % max)))
    i += out[out.length - 1].length
  }
  return out
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Streams `chunks` into a view whose renders are queued as frames; after some chunks (seeded) the
 * frames run, after others the Worker's replies arrive (a task passes): renders find a push in
 * flight, text arrives while one is, the end comes while one is.
 */
async function streamed(View: typeof MarkdownView, chunks: readonly string[], seed: number): Promise<HTMLElement> {
  const root = document.createElement('div')
  const frames: Array<() => void> = []
  const view = new View(root, { labels: en, highlight: false, schedule: (render) => void frames.push(render) })
  let s = seed
  for (const chunk of chunks) {
    view.append(chunk)
    s = (s * 1103515245 + 12345) % 2 ** 31
    if (s % 3 === 0) for (const render of frames.splice(0)) render()
    if (s % 5 === 0) await tick()
  }
  view.end()
  await view.settled()
  for (const render of frames.splice(0)) render()
  return root
}

afterEach(() => {
  vi.unstubAllGlobals()
  LexingWorker.failAfter = Infinity
})

describe('MarkdownView with the lexing Worker', () => {
  for (const [name, answer] of Object.entries(CORPUS)) {
    it(`${name}: random chunks and frames, lexed in the Worker, end as the whole answer lexed on the page`, async () => {
      vi.stubGlobal('Worker', LexingWorker)
      const View = await freshView()
      for (const seed of [1, 2, 3]) expect((await streamed(View, randomChunks(answer, seed, 24), seed)).innerHTML, `seed ${seed}`).toBe(whole(answer))
    })
  }

  it('one Worker for every answer on the page, each answer with its own tail', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    LexingWorker.made = 0
    const View = await freshView()
    const [a, b] = await Promise.all([streamed(View, randomChunks(CORPUS.english, 4, 30), 4), streamed(View, randomChunks(CORPUS.japanese, 5, 30), 5)])
    expect(a.innerHTML).toBe(whole(CORPUS.english))
    expect(b.innerHTML).toBe(whole(CORPUS.japanese))
    expect(LexingWorker.made).toBe(1)
  })

  it('renders the tokens when they are back, and text that came meanwhile in the render they ask for', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    const View = await freshView()
    const root = document.createElement('div')
    const frames: Array<() => void | Promise<number>> = []
    const view = new View(root, { labels: en, highlight: false, schedule: (render) => void frames.push(render) })
    view.append('first paragraph\n\nsec')
    const sent = frames.shift()!()
    expect(sent).toBeInstanceOf(Promise)
    expect(root.textContent).toBe('')
    view.append('ond')
    expect(frames).toHaveLength(1)
    // A render while the push is in flight sends nothing: the text waits for the answer.
    expect(frames.shift()!()).toBeUndefined()
    expect(typeof (await sent)).toBe('number')
    expect(root.querySelector('.md-done p')?.textContent).toBe('first paragraph')
    expect(root.lastElementChild!.lastChild!.textContent).toBe('sec')
    expect(frames).toHaveLength(1)
    await frames.shift()!()
    expect(root.lastElementChild!.lastChild!.textContent).toBe('second')
    view.end()
    await view.settled()
    expect(root.innerHTML).toBe(whole('first paragraph\n\nsecond'))
  })

  it('lexes a streamed answer\'s end in the Worker after the push in flight: whole once settled, nothing lost or repeated, the tail let go', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    const View = await freshView()
    const root = document.createElement('div')
    const frames: Array<() => void | Promise<number>> = []
    const view = new View(root, { labels: en, highlight: false, schedule: (render) => void frames.push(render) })
    const answer = 'first paragraph\n\nsecond grows\n\n- a list\n- with [a link][x]\n\n[x]: https://example.com/'
    view.append(answer.slice(0, 25))
    const sent = frames.shift()!()
    expect(sent).toBeInstanceOf(Promise)
    view.append(answer.slice(25))
    view.end()
    // Nothing lexed on the page: the end went to the Worker, behind the push.
    expect(LexingWorker.last!.requests.map((r) => [r.text, !!r.end])).toEqual([
      [answer.slice(0, 25), false],
      [answer.slice(25), true],
    ])
    await view.settled()
    await sent
    for (const render of frames.splice(0)) render()
    expect(root.innerHTML).toBe(whole(answer))
    expect(root.querySelector('a')?.getAttribute('href')).toBe('https://example.com/')
    expect(LexingWorker.last!.tails.size).toBe(0)
  })

  it('ends at once where nothing reached the Worker (a reopened answer, appended whole): the whole answer is in the DOM when end() returns', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    const View = await freshView()
    const root = document.createElement('div')
    const frames: Array<() => void | Promise<number>> = []
    const view = new View(root, { labels: en, highlight: false, schedule: (render) => void frames.push(render) })
    view.append(CORPUS.english)
    view.end()
    expect(root.innerHTML).toBe(whole(CORPUS.english))
    for (const render of frames.splice(0)) await render()
    expect(root.innerHTML).toBe(whole(CORPUS.english))
  })

  it('lexes the end on the page when the Worker fails on it, also with a push in flight: nothing lost or repeated', async () => {
    const answer = CORPUS.english
    for (const inFlight of [false, true]) {
      vi.stubGlobal('Worker', LexingWorker)
      // The Worker answers the first push, then fails: on the second push (in flight at the end) or on the end itself.
      LexingWorker.failAfter = 1
      const View = await freshView()
      const root = document.createElement('div')
      const frames: Array<() => void | Promise<number>> = []
      const view = new View(root, { labels: en, highlight: false, schedule: (render) => void frames.push(render) })
      view.append(answer.slice(0, 200))
      await frames.shift()!()
      view.append(answer.slice(200, 400))
      const pending = inFlight ? frames.shift()!() : undefined
      view.append(answer.slice(400))
      view.end()
      await view.settled()
      await pending
      for (const render of frames.splice(0)) await render()
      expect(root.innerHTML, inFlight ? 'a push in flight' : 'no push in flight').toBe(whole(answer))
    }
  })

  for (const failAfter of [0, 3]) {
    it(`lexes on the page when the Worker fails ${failAfter ? 'mid-answer' : 'to load'}: no text lost or repeated`, async () => {
      vi.stubGlobal('Worker', failAfter ? LexingWorker : FailingWorker)
      LexingWorker.failAfter = failAfter
      const View = await freshView()
      for (const [name, answer] of Object.entries(CORPUS)) expect((await streamed(View, randomChunks(answer, 7, 20), 7)).innerHTML, name).toBe(whole(answer))
    })
  }

  it('an answer the page drops unfinished is let go in the Worker, also with a push in flight, and no late reply or frame changes its DOM', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    const View = await freshView()
    const frames: Array<() => void | Promise<number>> = []
    const schedule = (render: () => void | Promise<number>) => void frames.push(render)
    const dropped = document.createElement('div')
    const kept = document.createElement('div')
    const a = new View(dropped, { labels: en, highlight: false, schedule })
    const b = new View(kept, { labels: en, highlight: false, schedule })
    const chunks = randomChunks(CORPUS.english, 8, 40)
    const half = Math.floor(chunks.length / 2)
    for (const chunk of chunks.slice(0, half)) {
      a.append(chunk)
      b.append(chunk)
      for (const render of frames.splice(0)) await render()
    }
    expect(LexingWorker.last!.tails.size).toBe(2)
    // A's push is in flight when the page drops it, and text and a frame still come after.
    a.append(chunks[half])
    b.append(chunks[half])
    const inFlight = frames.splice(0).map((render) => render())
    const shown = dropped.innerHTML
    a.drop()
    a.append('more text after the drop')
    for (const render of frames.splice(0)) await render()
    await Promise.all(inFlight)
    await tick()
    expect(dropped.innerHTML).toBe(shown)
    // The Worker holds the other answer's tail only, and that answer goes on to its end.
    expect([...LexingWorker.last!.tails.keys()]).toHaveLength(1)
    for (const chunk of chunks.slice(half + 1)) b.append(chunk)
    for (const render of frames.splice(0)) await render()
    b.end()
    await tick()
    expect(kept.innerHTML).toBe(whole(CORPUS.english))
    expect(LexingWorker.last!.tails.size).toBe(0)
  })

  it('an AssistantTurn dropped mid-answer (ChatController detach) lets go of its tail in the Worker; one that finishes does too', async () => {
    vi.stubGlobal('Worker', LexingWorker)
    LexingWorker.made = 0
    vi.resetModules()
    const { AssistantTurn } = (await import('./turns')) as { AssistantTurn: typeof Turn }
    const ctx = { doc: document, strings: () => en, locale: () => 'en' }
    const log = document.createElement('ol')
    const left = new AssistantTurn(log, ctx, () => {})
    const finished = new AssistantTurn(log, ctx, () => {})
    // No code blocks: the highlighting Worker (also a Worker, so this stub) would start too.
    const answer = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} with **some** words, and a [link](https://example.com/${i}).`).join('\n\n')
    for (const chunk of randomChunks(answer, 9, 40)) {
      left.append(chunk)
      finished.append(chunk)
      // The turns' renders are the window's animation frames; the Worker answers in a task.
      await new Promise((resolve) => requestAnimationFrame(resolve))
      await tick()
    }
    expect(LexingWorker.last!.tails.size).toBe(2)
    left.drop()
    finished.finish()
    // Its end is lexed in the Worker: the turn reads as streaming until the last blocks are in.
    expect(finished.li.classList.contains('streaming')).toBe(true)
    await tick()
    expect(finished.li.classList.contains('streaming')).toBe(false)
    expect(LexingWorker.last!.tails.size).toBe(0)
    expect(LexingWorker.made).toBe(1)
    expect(finished.li.textContent).toContain('Paragraph 29')
    // Each turn's frame schedule may still hold a render for after the interval (a no-op now that
    // the answer ended or was dropped): let it run here, while the window is still there, rather
    // than after the file's environment is torn down (an unhandled "requestAnimationFrame is not a
    // function" that fails the run).
    await new Promise((resolve) => setTimeout(resolve, MAX_RENDER_INTERVAL_MS))
    await new Promise((resolve) => requestAnimationFrame(resolve))
    await tick()
  })
})
