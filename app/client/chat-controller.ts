import { SESSION_HEADER, type ErrorBody, type ErrorCode, type StreamEvent } from '../../protocol/events'
import { LANG_COOKIE, STRINGS, type Lang, type Strings } from '../i18n'
import { fill } from '../i18n/format'
import { Composer } from './composer'
import { applyStrings } from './i18n-dom'
import { Notice } from './notice'
import { readEvents } from './read-events'
import { ScrollFollower } from './scroll-follow'
import { AssistantTurn, UserTurn, type TurnContext } from './turns'
import { serverTimingTotal } from './usage'

export interface ChatOptions {
  lang: Lang
  maxPromptChars: number
}

interface Exchange {
  user: UserTurn
  answer: AssistantTurn
}

/**
 * The chat's behaviour, wired to the island's markup (app/islands/chat.tsx). The message list is
 * plain DOM written here (not island state): a streamed answer changes many times a second and
 * re-rendering the whole conversation on every chunk would cost more the longer it gets.
 */
export class ChatController {
  private sessionId: string | undefined
  private current: { abort: AbortController; answer: AssistantTurn; stoppedByReader: boolean } | undefined
  private last: Exchange | undefined
  private editing: UserTurn | undefined
  private lang: Lang
  private readonly log: HTMLElement
  private readonly composer: Composer
  private readonly notice: Notice
  private readonly follower: ScrollFollower
  private readonly ctx: TurnContext
  private readonly el: {
    send: HTMLButtonElement
    stop: HTMLButtonElement
    newChat: HTMLButtonElement
    welcome: HTMLElement
    editing: HTMLElement
    langSwitch: HTMLSelectElement
  }
  private readonly off: Array<() => void> = []

  constructor(
    private readonly root: HTMLElement,
    options: ChatOptions,
  ) {
    // The casts: the Worker's types (HTMLRewriter's Element) clash with the DOM's in this program.
    const $ = <T,>(selector: string) => root.querySelector(selector) as T
    this.lang = options.lang
    this.log = $('.log')
    this.el = {
      send: $('button.send'),
      stop: $('button.stop'),
      newChat: $('button.new-chat'),
      welcome: $('.welcome'),
      editing: $('.editing'),
      langSwitch: $<HTMLSelectElement>('select.lang-switch'),
    }
    this.ctx = { doc: root.ownerDocument, strings: () => this.strings, locale: () => this.lang }
    this.composer = new Composer($('form.composer'), $('#prompt'), $('.count'), {
      maxChars: options.maxPromptChars,
      locale: () => this.lang,
      strings: () => this.strings,
      onSend: (prompt) => void this.submit(prompt),
      onEscape: () => this.stop(),
    })
    this.notice = new Notice($('.notice'), () => this.strings)
    this.follower = new ScrollFollower(root.ownerDocument.defaultView!, $('button.jump'))
    this.off.push(() => this.follower.dispose())

    this.listen(this.el.stop, 'click', () => this.stop())
    this.listen(this.el.newChat, 'click', () => this.newChat())
    this.listen($('.editing button.cancel-edit'), 'click', () => this.cancelEdit())
    this.listen(this.el.langSwitch, 'change', () => this.setLang(this.el.langSwitch.value as Lang))
    for (const example of root.querySelectorAll<HTMLButtonElement>('.welcome button.example')) {
      this.listen(example, 'click', () => void this.submit(example.textContent ?? ''))
    }
    // Esc stops an answer wherever the focus is (the composer handles its own Esc).
    this.listen(root.ownerDocument, 'keydown', (e) => {
      const key = e as KeyboardEvent
      if (key.key === 'Escape' && key.target !== this.composer.inputElement && this.current) this.stop()
    })
    this.setBusy(false)
  }

  private get strings(): Strings {
    return STRINGS[this.lang]
  }

  dispose(): void {
    this.off.forEach((f) => f())
  }

  /** Sends what the composer holds (as a new prompt, or as the edit of the last one). */
  private async submit(prompt: string): Promise<void> {
    if (this.current) return
    const editing = this.editing
    this.cancelEdit()
    if (editing && this.last?.user === editing) {
      this.dropLast()
      await this.send(prompt, { replaces: editing.prompt })
    } else {
      await this.send(prompt, {})
    }
  }

  /** Asks for the last answer again, for the same prompt. */
  private async regenerate(): Promise<void> {
    if (this.current || !this.last) return
    const prompt = this.last.user.prompt
    this.dropLast()
    await this.send(prompt, { replaces: prompt })
  }

  /**
   * Sends a prompt and streams its answer. `replaces` names the prompt of the last exchange this one
   * takes the place of (edit, regenerate, retry): the agent drops that exchange from its history if
   * it has it, so the conversation goes on as if the replaced one had never been.
   */
  async send(prompt: string, { replaces }: { replaces?: string }): Promise<void> {
    if (this.current) return
    this.notice.clear()
    this.composer.clear()
    const user = new UserTurn(this.log, prompt, this.ctx, (turn) => this.edit(turn))
    const answer = new AssistantTurn(this.log, this.ctx, () => void this.regenerate())
    this.last = { user, answer }
    const abort = new AbortController()
    const current = { abort, answer, stoppedByReader: false }
    this.current = current
    this.setBusy(true)
    this.follower.jumpToLatest()
    let ended = false
    try {
      const body = new URLSearchParams({ prompt })
      if (this.sessionId) body.set('sessionId', this.sessionId)
      if (replaces !== undefined) body.set('replaces', replaces)
      const post = () => fetch('/api/invoke', { method: 'POST', headers: { accept: 'text/event-stream' }, body, signal: abort.signal })
      let res = await post()
      // A busy or throttled agent (503 agent_unavailable, retryable): wait as told and try once more by
      // ourselves before saying anything. Stop during the wait ends it like a stop mid-answer.
      const wait = await autoRetryDelay(res)
      if (wait !== undefined) {
        await res.body?.cancel().catch(() => {})
        await delay(wait, abort.signal)
        res = await post()
      }
      answer.timing.edgeMs = serverTimingTotal(res.headers.get('server-timing'))
      if (!res.ok || !res.body) {
        const refused = await refusal(res, this.strings)
        if (!refused.retryable && res.status < 500) {
          // The server refused this prompt as it is (too long, invalid): it goes back to the
          // composer to be changed, and the exchange that never started leaves the conversation.
          this.dropLast()
          this.composer.set(prompt)
          this.notice.show('error', refused.message)
        } else {
          answer.noteText(refused.message)
          this.notice.show('error', refused.message, refused.retryable ? () => void this.retryLast() : undefined)
        }
        return
      }
      this.sessionId = res.headers.get(SESSION_HEADER) ?? this.sessionId
      for await (const event of readEvents(res.body)) {
        ended = this.apply(event, answer) || ended
        this.follower.contentChanged()
      }
      if (!ended) this.fail(answer, this.strings.connectionEnded, true)
    } catch {
      if (current.stoppedByReader) {
        answer.note('stopped', 'stopped')
        this.notice.show('stopped', this.strings.stopped, () => void this.retryLast())
      } else {
        this.fail(answer, this.strings.connectionLost, true)
      }
    } finally {
      answer.finish()
      this.follower.contentChanged()
      this.current = undefined
      this.setBusy(false)
    }
  }

  /** Stops the answer being streamed and asks the server to stop the agent's work too. */
  stop(): void {
    const current = this.current
    if (!current) return
    current.stoppedByReader = true
    current.abort.abort()
    if (this.sessionId) {
      void fetch('/api/cancel', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: this.sessionId }),
        keepalive: true,
      }).catch(() => {})
    }
    this.composer.focus()
  }

  /** Applies one event; returns true when it is `done`. */
  private apply(event: StreamEvent, answer: AssistantTurn): boolean {
    switch (event.type) {
      case 'meta':
        // The Worker's meta comes first and names the session; later ones (the Lambda's) agree.
        this.sessionId ??= event.data.sessionId
        return false
      case 'text':
        if (typeof event.data.text === 'string') answer.append(event.data.text)
        return false
      case 'tool':
        answer.tool(event.data)
        return false
      case 'usage':
        answer.setUsage(event.data)
        return false
      case 'error':
        this.fail(answer, typeof event.data.message === 'string' ? event.data.message : this.strings.agentFailed, event.data.retryable === true)
        return false
      case 'done':
        if (event.data.stopReason === 'max_tokens') answer.note('cutOff')
        return true
      default:
        return false
    }
  }

  private fail(answer: AssistantTurn, message: string, retryable: boolean): void {
    if (this.notice.kind === 'error') return
    answer.noteText(message)
    this.notice.show('error', message, retryable ? () => void this.retryLast() : undefined)
  }

  /**
   * Sends the last prompt again in place of its failed or stopped answer. Whether the agent kept
   * that exchange depends on where it ended; `replaces` drops it only if it is there.
   */
  private async retryLast(): Promise<void> {
    if (this.current || !this.last) return
    const prompt = this.last.user.prompt
    this.dropLast()
    await this.send(prompt, { replaces: prompt })
  }

  private edit(turn: UserTurn): void {
    if (this.current || this.last?.user !== turn) return
    this.editing = turn
    turn.li.classList.add('being-edited')
    this.el.editing.hidden = false
    this.composer.set(turn.prompt)
  }

  private cancelEdit(): void {
    this.editing?.li.classList.remove('being-edited')
    this.editing = undefined
    this.el.editing.hidden = true
  }

  private dropLast(): void {
    this.last?.user.remove()
    this.last?.answer.remove()
    this.last = undefined
    this.updateWelcome()
  }

  private newChat(): void {
    this.stop()
    this.cancelEdit()
    this.sessionId = undefined
    this.last = undefined
    this.log.replaceChildren()
    this.notice.clear()
    this.updateWelcome()
    this.composer.focus()
  }

  private setLang(lang: Lang): void {
    this.lang = lang
    // Remembered for a year; hono's languageDetector reads it before Accept-Language.
    this.root.ownerDocument.cookie = `${LANG_COOKIE}=${lang}; path=/; max-age=31536000; samesite=lax`
    this.root.ownerDocument.documentElement.lang = lang
    this.root.ownerDocument.title = this.strings.title
    applyStrings(this.root.ownerDocument, this.strings)
    this.composer.updateCount()
  }

  private updateWelcome(): void {
    this.el.welcome.hidden = this.log.childElementCount > 0
  }

  private setBusy(busy: boolean): void {
    this.el.send.disabled = busy
    this.el.stop.disabled = !busy
    this.el.stop.hidden = !busy
    this.log.setAttribute('aria-busy', String(busy))
    for (const button of this.log.querySelectorAll<HTMLButtonElement>('button.edit, button.regenerate')) button.disabled = busy
    this.updateWelcome()
    if (!busy) this.composer.focus()
  }

  private listen(target: EventTarget, type: string, handler: (e: Event) => void): void {
    target.addEventListener(type, handler)
    this.off.push(() => target.removeEventListener(type, handler))
  }
}

/** Codes whose request may well succeed if sent again unchanged. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'upstream_unreachable',
  'upstream_timeout',
  'upstream_error',
  'stream_interrupted',
  'agent_unavailable',
  'session_busy',
  'internal_error',
])

/** Longest wait before the one automatic retry, whatever Retry-After says; the wait when it says nothing. */
const AUTO_RETRY_MAX_MS = 10_000
const AUTO_RETRY_DEFAULT_MS = 2_000

/** How long to wait before retrying a refusal by ourselves (503 agent_unavailable, retryable); undefined: don't. */
async function autoRetryDelay(res: Response): Promise<number | undefined> {
  if (res.status !== 503) return undefined
  const body = (await res
    .clone()
    .json()
    .catch(() => undefined)) as ErrorBody | undefined
  if (body?.error?.code !== 'agent_unavailable') return undefined
  const seconds = Number(res.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, AUTO_RETRY_MAX_MS) : AUTO_RETRY_DEFAULT_MS
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })
}

/** What an HTTP error response says: its message, and whether trying again unchanged can help. */
async function refusal(res: Response, strings: Strings): Promise<{ message: string; retryable: boolean }> {
  let body: ErrorBody | undefined
  try {
    body = (await res.json()) as ErrorBody
  } catch {}
  const code = body?.error?.code
  const message = typeof body?.error?.message === 'string' ? body.error.message : fill(strings.serverAnswered, { status: res.status })
  const retryable = code ? RETRYABLE.has(code) : res.status >= 500 || res.status === 429 || res.status === 408
  return { message, retryable }
}
