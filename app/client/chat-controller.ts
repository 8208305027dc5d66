import { SESSION_HEADER, type ErrorBody, type ErrorCode, type StopReason, type StreamEvent, type WatchTurn } from '../../protocol/events'
import { LANG_COOKIE, STRINGS, type Lang, type Strings } from '../i18n'
import { fill } from '../i18n/format'
import { ChatList } from './chat-list'
import { Composer } from './composer'
import { chatEvents, deleteChat, loadChat, stopChat, type ChatSummary, type ChatView } from './conversations-api'
import { errorText } from './error-text'
import { followTurn } from './follow-turn'
import { applyStrings } from './i18n-dom'
import { Notice } from './notice'
import { ScrollFollower } from './scroll-follow'
import { AssistantTurn, UserTurn, type TurnContext } from './turns'
import { serverTimingTotal } from './usage'
import { ChatWatch } from './watch-chat'

export interface ChatOptions {
  lang: Lang
  maxPromptChars: number
}

interface Exchange {
  user: UserTurn
  answer: AssistantTurn
}

/** The answer this page is reading: its own request (send) or a running turn it re-attached to. */
interface Reading {
  abort: AbortController
  answer: AssistantTurn
  /** Stop was pressed: the server is asked to end the turn; its `done` (cancelled) ends the reading. */
  stopRequested: boolean
  /** The page moved to another chat: the turn runs on without this reader, and nothing is shown. */
  detached: boolean
  /** Waiting before the one automatic retry of a refused start: a stop then just ends the wait. */
  waiting: boolean
}

/** The query parameter that names the open chat: a reload or a shared link opens it again. */
export const CHAT_PARAM = 'c'

/**
 * The chat's behaviour, wired to the island's markup (app/islands/chat.tsx). The message list is
 * plain DOM written here (not island state): a streamed answer changes many times a second and
 * re-rendering the whole conversation on every chunk would cost more the longer it gets.
 *
 * A chat is a conversation on the server (app/server/conversation/): its id is in the URL
 * (`?c=<id>`), so a reload opens it again — its messages from GET /api/conversations/:id, and a turn
 * still running re-attached through its events route after the last event shown. A dropped
 * connection is resumed the same way (app/client/follow-turn.ts). Leaving is not stopping: only Stop
 * (POST /api/conversations/:id/stop) ends a running answer.
 *
 * While a chat is open, its watch socket (app/client/watch-chat.ts) says when a turn starts or ends
 * anywhere — another tab, a script. A page that is not reading a turn then loads the chat again and
 * follows the new answer as it grows, as a reload would, without clearing what it shows meanwhile.
 */
export class ChatController {
  private chatId: string | undefined
  private current: Reading | undefined
  /** Loading a chat's stored messages (a reload, the sidebar): a newer open cancels it. */
  private opening: AbortController | undefined
  /** The load in `opening` is the open chat's again (its watch told of a turn): sending cancels it rather than wait. */
  private openingAgain = false
  private last: Exchange | undefined
  /** The open chat's watch socket, and the latest turn it told of. */
  private watch: ChatWatch | undefined
  private heard: WatchTurn | undefined
  /** The latest turn this page shows (from the stored chat, or heard while reading its answer). */
  private shownTurn = 0
  private editing: UserTurn | undefined
  /** What the composer held when an edit began: Cancel puts it back. */
  private draftBeforeEdit: string | undefined
  private lang: Lang
  private readonly maxPromptChars: number
  private readonly log: HTMLElement
  private readonly composer: Composer
  private readonly notice: Notice
  private readonly follower: ScrollFollower
  private readonly ctx: TurnContext
  private readonly chats: ChatList | undefined
  private readonly win: Window
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
    this.maxPromptChars = options.maxPromptChars
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
    this.win = root.ownerDocument.defaultView!
    this.follower = new ScrollFollower(this.win, $('button.jump'))
    this.off.push(() => this.follower.dispose())
    const nav = $<HTMLElement | null>('nav.chats')
    this.chats = nav
      ? new ChatList(nav, $('button.chats-toggle'), {
          strings: () => this.strings,
          locale: () => this.lang,
          onOpen: (id) => void this.openChat(id, 'push'),
          onNew: () => this.newChat(),
          onDelete: (chat) => void this.deleteChat(chat),
        })
      : undefined
    // Back and forward move between the chats opened here (each open pushed its ?c=).
    this.listen(this.win, 'popstate', () => void this.openChat(chatIdIn(this.win.location.href), 'none'))

    this.listen(this.el.stop, 'click', () => this.stop())
    this.listen(this.el.newChat, 'click', () => this.newChat())
    this.listen($('.editing button.cancel-edit'), 'click', () => {
      // The composer gets back what it held before the edit: the prompt put there to edit is not a draft.
      const draft = this.draftBeforeEdit
      this.cancelEdit()
      if (draft !== undefined) this.composer.set(draft)
    })
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
    const opened = chatIdIn(this.win.location.href)
    if (opened) void this.openChat(opened, 'none')
    void this.chats?.refresh()
  }

  private get strings(): Strings {
    return STRINGS[this.lang]
  }

  /** The figures the error texts name (error-text.ts), in the page's language. */
  private errorValues(): { max: string } {
    return { max: this.maxPromptChars.toLocaleString(this.lang) }
  }

  dispose(): void {
    this.off.forEach((f) => f())
    this.opening?.abort()
    this.watchChat(undefined)
    if (this.current) this.detach()
  }

  /** Sends what the composer holds (as a new prompt, or as the edit of the last one). */
  private async submit(prompt: string): Promise<void> {
    if (this.current || this.stillOpening()) return
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
    // While a chat's stored messages load, a new turn would land before them.
    if (this.current || this.stillOpening()) return
    this.notice.clear()
    this.composer.clear()
    const user = new UserTurn(this.log, prompt, this.ctx, (turn) => this.edit(turn))
    const answer = new AssistantTurn(this.log, this.ctx, () => void this.regenerate())
    this.last = { user, answer }
    const reading = this.startReading(answer)
    // The welcome leaves before the page scrolls to the bottom (see openChat).
    this.updateWelcome()
    this.follower.jumpToLatest()
    await this.read(reading, async () => {
      const body = new URLSearchParams({ prompt })
      if (this.chatId) body.set('sessionId', this.chatId)
      if (replaces !== undefined) body.set('replaces', replaces)
      // No abort signal: once sent, the turn is the conversation's; leaving does not cancel it.
      const post = () => fetch('/api/invoke', { method: 'POST', headers: { accept: 'text/event-stream' }, body })
      let res = await post()
      // A busy or throttled agent (503 agent_unavailable, retryable): wait as told and try once more by
      // ourselves before saying anything. Stop during the wait ends it like a stop mid-answer; Stop
      // before the refusal came means no second try at all.
      const wait = reading.stopRequested ? undefined : await autoRetryDelay(res)
      if (wait !== undefined) {
        await res.body?.cancel().catch(() => {})
        reading.waiting = true
        await delay(wait, reading.abort.signal)
        reading.waiting = false
        res = await post()
      }
      answer.timing.edgeMs = serverTimingTotal(res.headers.get('server-timing'))
      if (!res.ok || !res.body) {
        const refused = await refusal(res, this.strings, this.errorValues())
        if (!refused.retryable && res.status < 500) {
          // The server refused this prompt as it is (too long, invalid): it goes back to the
          // composer to be changed, and the exchange that never started leaves the conversation.
          this.dropLast()
          this.composer.set(prompt)
          this.notice.show('error', refused.message)
        } else if (reading.stopRequested) {
          // Stop was asked for while the prompt was on its way, and nothing started: that is a stop,
          // not an error (the conversation waits for a turn that is starting before it stops it:
          // app/server/conversation/conversation.ts stop).
          answer.note('stopped', 'stopped')
          this.notice.show('stopped', this.strings.stopped, () => void this.retryLast())
        } else {
          answer.noteText(refused.message)
          this.notice.show('error', refused.message, refused.retryable ? () => void this.retryLast() : undefined)
        }
        return
      }
      if (reading.detached) {
        // The reader moved on while the request was on its way: the turn runs, listed in the sidebar.
        await res.body.cancel().catch(() => {})
        void this.chats?.refresh()
        return
      }
      const id = res.headers.get(SESSION_HEADER) ?? this.chatId
      if (id !== this.chatId) {
        this.chatId = id
        this.showInUrl('replace')
        this.chats?.setOpen(id)
        this.watchChat(id)
      }
      void this.chats?.refresh()
      if (reading.stopRequested) void this.requestStop(reading)
      await this.follow(reading, res, 0)
    })
  }

  /**
   * Opens a stored chat (undefined: a new, empty one): its messages, and its running answer if any.
   * `again`: the open chat, loaded anew because its watch told of a turn it does not show; what is
   * shown stays until the new view replaces it, and nothing changes if the view shows the same.
   */
  private async openChat(id: string | undefined, history: 'push' | 'replace' | 'none', again = false): Promise<void> {
    if (this.current) this.detach()
    this.opening?.abort()
    this.opening = undefined
    if (!again) {
      this.cancelEdit()
      this.notice.clear()
      this.last = undefined
      this.log.replaceChildren()
      this.shownTurn = 0
    }
    if (id !== this.chatId) this.watchChat(undefined)
    this.chatId = id
    if (history !== 'none') this.showInUrl(history)
    this.chats?.setOpen(id)
    this.updateWelcome()
    if (!id) {
      this.setBusy(false)
      return
    }
    const opening = new AbortController()
    this.opening = opening
    this.openingAgain = again
    this.log.setAttribute('aria-busy', 'true')
    let view: ChatView | undefined
    try {
      view = await loadChat(id, opening.signal)
    } catch {
      if (opening.signal.aborted) return
      this.notice.show('error', this.strings.connectionLost, () => void this.openChat(id, 'none'))
      this.log.setAttribute('aria-busy', 'false')
      return
    } finally {
      if (this.opening === opening) this.opening = undefined
    }
    if (opening.signal.aborted) return
    if (!view) {
      this.watchChat(undefined)
      if (again) {
        this.cancelEdit()
        this.last = undefined
        this.log.replaceChildren()
      }
      this.chatId = undefined
      this.showInUrl('replace')
      this.chats?.setOpen(undefined)
      this.notice.show('info', this.strings.chatNotFound)
      this.setBusy(false)
      return
    }
    if (again && this.showsAlready(view)) {
      this.log.setAttribute('aria-busy', 'false')
      this.shownTurn = view.messages.at(-1)?.turn ?? 0
      return
    }
    if (again) {
      this.cancelEdit()
      this.notice.clear()
      this.last = undefined
      this.log.replaceChildren()
    }
    const running = this.showMessages(view)
    // The welcome leaves before the page scrolls to the bottom: hidden after, it shortened the page
    // under the scroll, the browser clamped the offset, and the follower took that for the reader
    // scrolling up (a reopened chat on a phone stopped short of its answer behind "jump to latest").
    this.updateWelcome()
    this.follower.jumpToLatest()
    // Watched from now: its first message says the state since this view, so no turn slips between.
    this.watchChat(id)
    if (running && view.running) await this.attach(running, view.running)
    else {
      this.setBusy(false)
      this.reconcile()
    }
  }

  /**
   * Whether a chat is being opened. A load of the open chat again (its watch heard of a turn) does
   * not hold up a prompt: it is cancelled, and the prompt goes (a turn running elsewhere then
   * answers 409 conversation_busy, shown as such).
   */
  private stillOpening(): boolean {
    if (!this.opening) return false
    if (!this.openingAgain) return true
    this.opening.abort()
    this.opening = undefined
    return false
  }

  /** Whether the page shows this (finished) view already: a watch message about a turn this page read itself. */
  private showsAlready(view: ChatView): boolean {
    const [user, answer] = view.messages.slice(-2)
    return (
      view.running === null &&
      this.log.querySelectorAll('.turn').length === view.messages.length &&
      user?.role === 'user' &&
      answer?.role === 'assistant' &&
      this.last?.user.prompt === user.text &&
      this.last.answer.markdown === answer.text
    )
  }

  /** Watches the open chat (undefined: none) for turns started elsewhere; one socket per page. */
  private watchChat(id: string | undefined): void {
    if (this.watch?.id === id) return
    this.watch?.close()
    this.watch = undefined
    this.heard = undefined
    if (!id) return
    this.watch = new ChatWatch(id, {
      win: this.win,
      onTurn: (message) => {
        this.heard = message
        // The turn this page reads now: it shows it already.
        if (this.current && message.running) this.shownTurn = message.turn
        this.reconcile()
      },
      onGone: () => {
        if (this.chatId === id && !this.current) void this.openChat(id, 'none', true)
      },
    })
  }

  /** An idle page that heard of a turn it does not show (or of one running) loads the chat again and follows it. */
  private reconcile(): void {
    const heard = this.heard
    const id = this.chatId
    if (!heard || !id || this.current || this.opening) return
    if (heard.running || heard.turn !== this.shownTurn) void this.openChat(id, 'none', true)
  }

  /** Shows a stored chat's messages; returns the answer still being written, if one is. */
  private showMessages(view: ChatView): AssistantTurn | undefined {
    let user: UserTurn | undefined
    let running: AssistantTurn | undefined
    for (const m of view.messages) {
      if (m.role === 'user') {
        user = new UserTurn(this.log, m.text, this.ctx, (turn) => this.edit(turn))
        this.shownTurn = m.turn
        continue
      }
      const answer = new AssistantTurn(this.log, this.ctx, () => void this.regenerate(), true)
      // The tool calls as they were shown live: the same events through the same view.
      for (const call of m.tools ?? []) answer.tool(call)
      answer.append(m.text)
      if (user) this.last = { user, answer }
      if (m.stopReason === null && view.running?.turn === m.turn) {
        // Its speed and usage are known once it ends (attach loads them then).
        answer.restoreStats(undefined, m.timing && { firstTextMs: m.timing.firstTextMs })
        running = answer
        continue
      }
      answer.restoreStats(m.usage, m.timing)
      // A failed answer says why, as it did live (in the page's words for its code).
      if (m.error) answer.noteText(errorText(m.error.code, m.error.message, this.strings, this.errorValues()))
      else this.noteEnding(answer, m.stopReason ?? 'end_turn')
      answer.finish()
    }
    return running
  }

  /** Reads a running turn of the open chat after the events already shown. */
  private async attach(answer: AssistantTurn, running: { turn: number; lastEventId: number }): Promise<void> {
    const id = this.chatId
    if (!id || this.current) return
    const after = running.lastEventId
    const reading = this.startReading(answer)
    await this.read(reading, async () => {
      const res = await chatEvents(id, after, reading.abort.signal)
      await this.follow(reading, res, after)
      if (!reading.detached) await this.loadStats(id, running.turn, reading)
    })
  }

  /**
   * The usage line of an answer this page did not see start (it re-attached after a reload): once it
   * ended, its timing and usage as the conversation stored them. Without them the line says less.
   */
  private async loadStats(id: string, turn: number, reading: Reading): Promise<void> {
    try {
      const stored = (await loadChat(id, reading.abort.signal))?.messages.find((m) => m.role === 'assistant' && m.turn === turn)
      if (stored) reading.answer.restoreStats(stored.usage, stored.timing)
    } catch {}
  }

  private startReading(answer: AssistantTurn): Reading {
    const reading: Reading = { abort: new AbortController(), answer, stopRequested: false, detached: false, waiting: false }
    this.current = reading
    this.setBusy(true)
    return reading
  }

  /** Runs a reading to its end, whatever ends it, and says how it ended. */
  private async read(reading: Reading, body: () => Promise<void>): Promise<void> {
    const { answer } = reading
    try {
      await body()
    } catch {
      if (reading.detached) {
        // Another chat is shown now; this one's answer goes on without us.
      } else if (reading.stopRequested) {
        // Stopped before the turn started, or the server could not be told: what is shown stays.
        answer.note('stopped', 'stopped')
        this.notice.show('stopped', this.strings.stopped, () => void this.retryLast())
      } else {
        // Every reconnect failed: the answer may still be running; Retry looks again.
        const id = this.chatId
        this.fail(answer, this.strings.connectionLost, true, id ? () => void this.openChat(id, 'none') : undefined)
      }
    } finally {
      if (this.current === reading) {
        answer.finish()
        this.follower.contentChanged()
        this.current = undefined
        this.setBusy(false)
        void this.chats?.refresh()
        // This page read its turn to the end: a start heard for it is over, whatever the watch says next.
        if (this.heard?.running && this.heard.turn === this.shownTurn) this.heard = { ...this.heard, running: false }
        // A turn heard of while this one was read (another tab's, after it).
        this.reconcile()
      }
    }
  }

  /** Shows a turn's events until its `done`, reconnecting after drops (app/client/follow-turn.ts). */
  private async follow(reading: Reading, res: Response, after: number): Promise<void> {
    const id = this.chatId
    const events = followTurn(res, {
      conversationId: () => id,
      after,
      signal: reading.abort.signal,
      win: this.win,
      onReconnect: (attempt) => {
        if (attempt > 0 && this.notice.kind !== 'error') this.notice.show('info', this.strings.reconnecting)
        else if (attempt === 0 && this.notice.kind === 'info') this.notice.clear()
      },
    })
    for await (const event of events) {
      if (reading.detached) return
      const ended = this.apply(event, reading.answer)
      this.follower.contentChanged()
      if (ended) {
        if (this.notice.kind === 'info') this.notice.clear()
        this.noteEnding(reading.answer, ended, true)
        return
      }
    }
  }

  /** Stops the answer being streamed: the server ends the turn (the agent's too), and its end shows here. */
  stop(): void {
    const reading = this.current
    if (!reading || reading.stopRequested) return
    reading.stopRequested = true
    this.el.stop.disabled = true
    if (reading.waiting) reading.abort.abort()
    // A new chat's id comes with the answer's first response: the stop goes out then (send).
    else if (this.chatId) void this.requestStop(reading)
    this.composer.focus()
  }

  private async requestStop(reading: Reading): Promise<void> {
    const id = this.chatId
    let told = false
    try {
      told = id ? await stopChat(id) : false
    } catch {}
    // Told: the turn's done (cancelled) is on its way through the stream. Not told: stop reading at least.
    if (!told && this.current === reading) reading.abort.abort()
  }

  /**
   * Leaves the answer being read to run on without this page (another chat is opened, a new one,
   * the open chat deleted, the island gone): its view is dropped unfinished, so the lexing Worker
   * lets go of its text (render-markdown.ts drop). Every caller clears the log or the page after.
   */
  private detach(): void {
    const reading = this.current
    if (!reading) return
    reading.detached = true
    reading.abort.abort()
    reading.answer.drop()
    this.current = undefined
    this.setBusy(false)
  }

  /** A note under an answer for how it ended, when it did not simply finish. */
  private noteEnding(answer: AssistantTurn, stopReason: StopReason, live = false): void {
    if (stopReason === 'cancelled') {
      answer.note('stopped', 'stopped')
      if (live) this.notice.show('stopped', this.strings.stopped, () => void this.retryLast())
    } else if (stopReason === 'max_tokens') answer.note('cutOff')
    else if (stopReason === 'error' && !live) answer.note('answerFailed', 'failed')
  }

  /** Applies one event; returns the turn's stop reason when it is `done`. */
  private apply(event: StreamEvent, answer: AssistantTurn): StopReason | undefined {
    switch (event.type) {
      case 'text':
        if (typeof event.data.text === 'string') answer.append(event.data.text)
        return undefined
      case 'tool':
        answer.tool(event.data)
        return undefined
      case 'usage':
        answer.setUsage(event.data)
        return undefined
      case 'error': {
        const message = typeof event.data.message === 'string' ? event.data.message : this.strings.agentFailed
        this.fail(answer, errorText(event.data.code, message, this.strings, this.errorValues()), event.data.retryable === true)
        return undefined
      }
      case 'done':
        return event.data.stopReason ?? 'end_turn'
      default:
        // meta: the chat's id came with the response's X-Session-Id already.
        return undefined
    }
  }

  private fail(answer: AssistantTurn, message: string, retryable: boolean, retry = () => void this.retryLast()): void {
    if (this.notice.kind === 'error') return
    answer.noteText(message)
    this.notice.show('error', message, retryable ? retry : undefined)
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
    if (!this.editing) this.draftBeforeEdit = this.composer.value
    this.editing = turn
    turn.li.classList.add('being-edited')
    this.el.editing.hidden = false
    this.composer.set(turn.prompt)
  }

  private cancelEdit(): void {
    this.editing?.li.classList.remove('being-edited')
    this.editing = undefined
    this.draftBeforeEdit = undefined
    this.el.editing.hidden = true
  }

  private dropLast(): void {
    this.last?.user.remove()
    this.last?.answer.remove()
    this.last = undefined
    this.updateWelcome()
  }

  /** An empty chat; an answer still running in the one left keeps running there (the sidebar lists it). */
  private newChat(): void {
    void this.openChat(undefined, 'push')
    this.composer.focus()
  }

  private async deleteChat(chat: ChatSummary): Promise<void> {
    if (!this.win.confirm(fill(this.strings.deleteConfirm, { title: chat.title }))) return
    let deleted = false
    try {
      deleted = await deleteChat(chat.id)
    } catch {}
    if (!deleted) {
      this.notice.show('error', this.strings.deleteFailed)
      return
    }
    this.chats?.remove(chat.id)
    if (chat.id === this.chatId) void this.openChat(undefined, 'replace')
  }

  /** Puts the open chat's id in the address (replace: this page's entry; push: a new one, for Back). */
  private showInUrl(how: 'push' | 'replace'): void {
    const url = new URL(this.win.location.href)
    if (this.chatId) url.searchParams.set(CHAT_PARAM, this.chatId)
    else url.searchParams.delete(CHAT_PARAM)
    if (url.href === this.win.location.href) return
    if (how === 'push') this.win.history.pushState(null, '', url)
    else this.win.history.replaceState(null, '', url)
  }

  private setLang(lang: Lang): void {
    this.lang = lang
    // Remembered for a year; hono's languageDetector reads it before Accept-Language.
    this.root.ownerDocument.cookie = `${LANG_COOKIE}=${lang}; path=/; max-age=31536000; samesite=lax`
    this.root.ownerDocument.documentElement.lang = lang
    this.root.ownerDocument.title = this.strings.title
    applyStrings(this.root.ownerDocument, this.strings)
    this.composer.updateCount()
    this.chats?.render()
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

/** The chat named in a page address (`?c=<id>`), if any. */
export function chatIdIn(href: string): string | undefined {
  return new URL(href).searchParams.get(CHAT_PARAM) || undefined
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

/** What an HTTP error response says (in the page's words where it has them), and whether trying again unchanged can help. */
async function refusal(res: Response, strings: Strings, values: { max: string }): Promise<{ message: string; retryable: boolean }> {
  let body: ErrorBody | undefined
  try {
    body = (await res.json()) as ErrorBody
  } catch {}
  const code = body?.error?.code
  const served = typeof body?.error?.message === 'string' ? body.error.message : fill(strings.serverAnswered, { status: res.status })
  const message = errorText(code, served, strings, values)
  const retryable = code ? RETRYABLE.has(code) : res.status >= 500 || res.status === 429 || res.status === 408
  return { message, retryable }
}
