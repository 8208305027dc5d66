import { collectLinks, type Links } from './markdown'
import { TailLexer, type Lexed } from './markdown-lexer'
import type { LexRequest } from './markdown-worker'

/**
 * Where an answer's open tail is lexed: in a module Worker (markdown-worker.ts) shared by the page's
 * answers, so marked's lexing takes no time from the page's main thread (npm run bench --
 * --only=page: lexing was the largest part of the page's own script per chunk, most of it the JIT's
 * warm-up on a fresh page); the page only builds the returned tokens into DOM nodes. Where Workers
 * are unavailable, or the Worker fails to load or to lex, the tail is lexed on the page
 * (markdown-lexer.ts TailLexer) from where the Worker had got to, so no text is lost or repeated.
 * A streamed answer's end is lexed in the Worker too, after any push still in flight: lexed on the
 * page, the page's first end ran marked there cold (~20 ms of the JIT's warm-up in one task at the
 * end of a fresh page's first answer, npm run bench -- --only=page). An answer that never reached
 * the Worker (a reopened one, appended whole and ended at once) is lexed on the page, at once, so
 * it is complete in the DOM when end() returns.
 */
export interface TailLexing {
  /** Lexes the tail with `text`: at once (on the page) or later (a Worker); the caller waits for one push before the next. */
  push(text: string): Lexed | Promise<Lexed>
  /**
   * The answer is complete with `text`: every block is final. At once where nothing was sent to the
   * Worker (or the page lexes the answer), else when the Worker answers, after the push still awaited.
   */
  finish(text: string): Lexed | Promise<Lexed>
  /** The page dropped the answer unfinished (another chat opened, the chat deleted): what is held for it is let go. */
  drop(): void
}

interface LexReply {
  view: number
  id: number
  lexed?: Lexed
  error?: string
}

class SharedWorker {
  private readonly waiting = new Map<number, { done: (lexed: Lexed) => void; fail: () => void }>()
  private nextId = 0
  private nextView = 0
  failed = false

  constructor(private readonly worker: Worker) {
    // The Worker could not load (a blocked or failed chunk): every push waiting is lexed on the page.
    worker.addEventListener('error', () => this.fail())
    worker.addEventListener('message', ({ data }: MessageEvent<LexReply>) => {
      const job = this.waiting.get(data.id)
      if (!job) return
      this.waiting.delete(data.id)
      if (data.lexed) job.done(data.lexed)
      else job.fail()
    })
  }

  view(): number {
    return this.nextView++
  }

  request(request: Omit<LexRequest, 'id'>, done: (lexed: Lexed) => void, fail: () => void): void {
    if (this.failed) return fail()
    const id = this.nextId++
    this.waiting.set(id, { done, fail })
    this.worker.postMessage({ ...request, id } satisfies LexRequest)
  }

  private fail(): void {
    if (this.failed) return
    this.failed = true
    this.worker.terminate()
    const jobs = [...this.waiting.values()]
    this.waiting.clear()
    for (const job of jobs) job.fail()
  }
}

/** One answer's tail in the shared Worker; what the Worker holds is mirrored here for the fallback. */
class WorkerTail implements TailLexing {
  /** The Worker's tail (text not yet frozen) before the push in flight, and that push's text. */
  private tail = ''
  private sent = ''
  private finished = false
  /** Text was sent to the Worker: it holds a tail for this answer. */
  private pushed = false
  private readonly links: Links = {}
  private onPage: TailLexer | undefined
  private readonly view: number

  constructor(private readonly shared: SharedWorker) {
    this.view = shared.view()
  }

  push(text: string): Lexed | Promise<Lexed> {
    // A dropped answer asks nothing more of the Worker (that would start its tail again there).
    if (this.finished) return { frozen: [], open: [], frozenLength: 0 }
    if (this.onPage) return this.onPage.push(text)
    this.sent = text
    this.pushed = true
    return new Promise<Lexed>((resolve, reject) =>
      this.shared.request(
        { view: this.view, text },
        (lexed) => {
          if (this.finished) return resolve({ frozen: [], open: [], frozenLength: 0 })
          this.tail = (this.tail + text).slice(lexed.frozenLength)
          this.sent = ''
          collectLinks(lexed.frozen, this.links)
          resolve(lexed)
        },
        () => {
          if (this.finished) return resolve({ frozen: [], open: [], frozenLength: 0 })
          this.onPage = new TailLexer(this.tail, this.links)
          this.sent = ''
          try {
            resolve(this.onPage.push(text))
          } catch (error) {
            reject(error)
          }
        },
      ),
    )
  }

  finish(text: string): Lexed | Promise<Lexed> {
    if (this.onPage) return this.onPage.finish(text)
    if (!this.pushed || this.finished) {
      const tail = this.tail + this.sent
      this.drop()
      return new TailLexer(tail, this.links).finish(text)
    }
    // The Worker answers in order: a push still in flight is answered (and rendered) first.
    return new Promise<Lexed>((resolve, reject) =>
      this.shared.request(
        { view: this.view, text, end: true },
        (lexed) => {
          this.finished = true
          this.tail = this.sent = ''
          resolve(lexed)
        },
        () => {
          // The Worker failed: a push in flight failed before this (its text then went to the page's lexer).
          const lexer = this.onPage ?? new TailLexer(this.tail + this.sent, this.links)
          this.finished = true
          this.tail = this.sent = ''
          this.onPage = undefined
          try {
            resolve(lexer.finish(text))
          } catch (error) {
            reject(error)
          }
        },
      ),
    )
  }

  drop(): void {
    if (this.finished) return
    this.finished = true
    this.tail = this.sent = ''
    this.onPage = undefined
    // The Worker drops this answer's tail: its replies are not needed any more (a push in flight resolves empty).
    this.shared.request({ view: this.view, text: '', drop: true }, () => {}, () => {})
  }
}

let shared: SharedWorker | null | undefined

/** A new answer's lexing: in the page's lexing Worker where it runs, else on the page. */
export function tailLexing(): TailLexing {
  shared ??= startWorker()
  return shared && !shared.failed ? new WorkerTail(shared) : new TailLexer()
}

function startWorker(): SharedWorker | null {
  // The Worker's build (the island's server render) never streams an answer: no Worker to bundle there.
  if (import.meta.env.SSR || typeof Worker === 'undefined') return null
  try {
    // Written out in full for Vite, which bundles the Worker's module from this expression.
    return new SharedWorker(new Worker(new URL('./markdown-worker.ts', import.meta.url), { type: 'module' }))
  } catch {
    return null
  }
}
