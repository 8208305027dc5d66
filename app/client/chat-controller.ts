import { SESSION_HEADER, type ErrorBody, type StreamEvent, type ToolEvent } from '../../protocol/events'
import { en } from '../i18n/en'
import { append } from './dom'
import { readEvents } from './read-events'
import { MarkdownView } from './render-markdown'
import { ToolCallsView } from './tool-calls'

export interface ChatElements {
  log: HTMLElement
  form: HTMLFormElement
  input: HTMLTextAreaElement
  send: HTMLButtonElement
  stop: HTMLButtonElement
  newChat: HTMLButtonElement
}

/**
 * The chat's behaviour, wired to the island's markup. The message list is plain DOM written here
 * (not island state): a streamed answer changes many times a second and re-rendering the whole
 * conversation on every chunk would cost more the longer it gets.
 */
export class ChatController {
  private sessionId: string | undefined
  private current: { abort: AbortController; turn: AssistantTurn } | undefined
  private readonly off: Array<() => void> = []

  constructor(private readonly el: ChatElements) {
    this.listen(el.form, 'submit', (e) => {
      e.preventDefault()
      const prompt = el.input.value
      if (!prompt.trim() || this.current) return
      el.input.value = ''
      void this.send(prompt)
    })
    this.listen(el.input, 'keydown', (e) => {
      const key = e as KeyboardEvent
      // Enter sends, Shift+Enter is a newline; Enter while composing (IME) is the IME's.
      if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
        e.preventDefault()
        el.form.requestSubmit()
      }
    })
    this.listen(el.stop, 'click', () => this.stop())
    this.listen(el.newChat, 'click', () => {
      this.stop()
      this.sessionId = undefined
      el.log.replaceChildren()
      el.input.focus()
    })
    this.setBusy(false)
  }

  dispose(): void {
    this.off.forEach((f) => f())
  }

  async send(prompt: string): Promise<void> {
    if (this.current) return
    this.addUserTurn(prompt)
    const turn = new AssistantTurn(this.el.log)
    const abort = new AbortController()
    this.current = { abort, turn }
    this.setBusy(true)
    let ended = false
    try {
      const body = new URLSearchParams({ prompt })
      if (this.sessionId) body.set('sessionId', this.sessionId)
      const res = await fetch('/api/invoke', {
        method: 'POST',
        headers: { accept: 'text/event-stream' },
        body,
        signal: abort.signal,
      })
      if (!res.ok || !res.body) {
        turn.fail(await errorMessage(res), () => this.retry(prompt))
        return
      }
      this.sessionId = res.headers.get(SESSION_HEADER) ?? this.sessionId
      for await (const event of readEvents(res.body)) {
        ended = this.apply(event, turn, prompt) || ended
      }
      if (!ended) turn.fail('The connection ended before the answer finished.', () => this.retry(prompt))
    } catch {
      if (abort.signal.aborted) turn.fail('Stopped.', () => this.retry(prompt), 'stopped')
      else turn.fail('The connection to the server was lost.', () => this.retry(prompt))
    } finally {
      turn.finish()
      this.current = undefined
      this.setBusy(false)
    }
  }

  /** Aborts the answer being streamed and asks the server to cancel the agent's work. */
  stop(): void {
    const current = this.current
    if (!current) return
    current.abort.abort()
    if (this.sessionId) {
      void fetch('/api/cancel', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: this.sessionId }),
        keepalive: true,
      }).catch(() => {})
    }
  }

  /** Applies one event; returns true when it is `done`. */
  private apply(event: StreamEvent, turn: AssistantTurn, prompt: string): boolean {
    switch (event.type) {
      case 'meta':
        // The Worker's meta comes first and names the session; later ones (the Lambda's) agree.
        this.sessionId ??= event.data.sessionId
        return false
      case 'text':
        if (typeof event.data.text === 'string') turn.append(event.data.text)
        return false
      case 'tool':
        turn.tool(event.data)
        return false
      case 'error':
        turn.fail(String(event.data.message ?? 'The agent failed.'), event.data.retryable === false ? undefined : () => this.retry(prompt))
        return false
      case 'done':
        if (event.data.stopReason === 'max_tokens') turn.note('The answer was cut off at its length limit.')
        return true
      default:
        return false
    }
  }

  private retry(prompt: string): void {
    if (!this.current) void this.send(prompt)
  }

  private addUserTurn(prompt: string): void {
    const li = document.createElement('li')
    li.className = 'turn user'
    const who = document.createElement('div')
    who.className = 'who'
    who.textContent = 'You'
    const body = document.createElement('div')
    body.className = 'body'
    body.textContent = prompt
    append(li, who, body)
    append(this.el.log, li)
  }

  private setBusy(busy: boolean): void {
    this.el.send.disabled = busy
    this.el.stop.disabled = !busy
    this.el.stop.hidden = !busy
    this.el.log.setAttribute('aria-busy', String(busy))
    for (const retry of this.el.log.querySelectorAll<HTMLButtonElement>('button.retry')) retry.disabled = busy
  }

  private listen(target: EventTarget, type: string, handler: (e: Event) => void): void {
    target.addEventListener(type, handler)
    this.off.push(() => target.removeEventListener(type, handler))
  }
}

/** One assistant turn: the growing answer, tool notes, and an error with Retry if it fails. */
class AssistantTurn {
  private readonly li: HTMLLIElement
  private readonly view: MarkdownView
  private readonly body: HTMLElement
  private tools: ToolCallsView | undefined
  private failed = false

  constructor(log: HTMLElement) {
    this.li = document.createElement('li')
    this.li.className = 'turn assistant streaming'
    const who = document.createElement('div')
    who.className = 'who'
    who.textContent = 'Agent'
    const body = document.createElement('div')
    body.className = 'body answer'
    append(this.li, who, body)
    append(log, this.li)
    this.body = body
    this.view = new MarkdownView(body, { labels: en })
  }

  append(text: string): void {
    this.view.append(text)
  }

  tool(event: ToolEvent): void {
    this.tools ??= new ToolCallsView(this.li, this.body, en)
    this.tools.apply(event)
  }

  note(text: string, kind = 'note'): void {
    const p = document.createElement('p')
    p.className = kind
    p.textContent = text
    append(this.li, p)
  }

  /** Shows the error inside the turn, under the partial answer (which stays). */
  fail(message: string, retry?: () => void, kind = 'error'): void {
    if (this.failed) return
    this.failed = true
    const box = document.createElement('div')
    box.className = `turn-error ${kind}`
    box.setAttribute('role', 'alert')
    const text = document.createElement('span')
    text.textContent = message
    append(box, text)
    if (retry) {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'retry'
      button.textContent = 'Retry'
      button.addEventListener('click', retry)
      append(box, button)
    }
    append(this.li, box)
  }

  finish(): void {
    this.view.end()
    this.li.classList.remove('streaming')
  }
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as ErrorBody
    if (typeof body?.error?.message === 'string') return body.error.message
  } catch {}
  return `The server answered ${res.status}.`
}
