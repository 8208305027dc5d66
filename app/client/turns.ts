import type { ToolEvent, UsageEvent } from '../../protocol/events'
import type { Strings } from '../i18n/en'
import { copyText, flashLabel } from './clipboard'
import type { StoredTiming } from './conversations-api'
import { append } from './dom'
import { labelled } from './i18n-dom'
import { MarkdownView } from './render-markdown'
import { ToolCallsView } from './tool-calls'
import { answerStats, type AnswerTiming } from './usage'
import { renderUsage } from './usage-view'

export interface TurnContext {
  doc: Document
  strings: () => Strings
  locale: () => string
}

/** The reader's message: its text (never HTML) and, on the last one, an Edit button. */
export class UserTurn {
  readonly li: HTMLLIElement
  private readonly actions: HTMLElement

  constructor(
    log: HTMLElement,
    readonly prompt: string,
    ctx: TurnContext,
    onEdit: (turn: UserTurn) => void,
  ) {
    const { doc } = ctx
    this.li = doc.createElement('li')
    this.li.className = 'turn user'
    // Each turn is an article of the conversation's log (role=log on the list replaces its list role,
    // so an item would otherwise be a list item outside a list).
    this.li.setAttribute('role', 'article')
    const who = labelled(doc, 'div', 'you', ctx.strings())
    who.className = 'who'
    const body = doc.createElement('div')
    body.className = 'body'
    body.textContent = prompt
    this.actions = doc.createElement('div')
    this.actions.className = 'turn-actions'
    const edit = labelled(doc, 'button', 'edit', ctx.strings())
    edit.type = 'button'
    edit.className = 'edit'
    edit.addEventListener('click', () => onEdit(this))
    append(this.actions, edit)
    append(this.li, who, body, this.actions)
    append(log, this.li)
  }

  remove(): void {
    this.li.remove()
  }
}

/**
 * One answer: its tool calls, the growing markdown, a note on how it ended, the usage line, and
 * actions (copy as markdown; regenerate on the last answer).
 */
export class AssistantTurn {
  readonly li: HTMLLIElement
  readonly timing: AnswerTiming
  private readonly view: MarkdownView
  private readonly body: HTMLElement
  private tools: ToolCallsView | undefined
  private usage: UsageEvent | undefined
  private ended = false

  constructor(
    log: HTMLElement,
    private readonly ctx: TurnContext,
    private readonly onRegenerate: () => void,
    /** An answer shown from the stored conversation (a reload, another chat): its timing is not this page's to measure. */
    private readonly restored = false,
  ) {
    const { doc } = ctx
    this.li = doc.createElement('li')
    this.li.className = 'turn assistant streaming'
    this.li.setAttribute('role', 'article')
    const who = labelled(doc, 'div', 'agent', ctx.strings())
    who.className = 'who'
    this.body = doc.createElement('div')
    this.body.className = 'body answer'
    append(this.li, who, this.body)
    append(log, this.li)
    this.view = new MarkdownView(this.body, { labels: ctx.strings() })
    this.timing = { sentAt: performance.now() }
  }

  get markdown(): string {
    return this.view.markdown
  }

  append(text: string): void {
    if (!text) return
    if (!this.restored) {
      const now = performance.now()
      this.timing.firstTextAt ??= now
      this.timing.lastTextAt = now
    }
    this.view.append(text)
  }

  tool(event: ToolEvent): void {
    this.tools ??= new ToolCallsView(this.li, this.body, this.ctx.strings())
    this.tools.apply(event)
  }

  setUsage(usage: UsageEvent): void {
    this.usage = usage
  }

  /**
   * A stored answer's usage and timing (GET /api/conversations/:id), for the same usage line a live
   * one gets: the times the server measured stand in for the page's own clock.
   */
  restoreStats(usage: UsageEvent | undefined, timing: Partial<StoredTiming> & Pick<StoredTiming, 'firstTextMs'> | undefined): void {
    if (usage) this.usage = usage
    if (!timing) return
    this.timing.sentAt = 0
    this.timing.firstTextAt = timing.firstTextMs
    // Without streamedMs (an answer still running) there is no speed yet: the line leaves it out.
    this.timing.lastTextAt = timing.streamedMs === undefined ? undefined : timing.firstTextMs + timing.streamedMs
  }

  /** A short line in the turn itself (how it ended), kept in the conversation's history. */
  note(key: keyof Strings, kind: 'note' | 'stopped' | 'failed' = 'note'): void {
    const p = labelled(this.ctx.doc, 'p', key, this.ctx.strings())
    p.className = `turn-note ${kind}`
    append(this.li, p)
  }

  /** A note whose text is not one of the page's strings (an error message from the server). */
  noteText(text: string): void {
    const p = this.ctx.doc.createElement('p')
    p.className = 'turn-note failed'
    p.textContent = text
    append(this.li, p)
  }

  finish(): void {
    if (this.ended) return
    this.ended = true
    // A streamed answer's end is lexed in the lexing Worker (render-markdown.ts end): the turn reads
    // as streaming (its cursor shown) until the answer's last blocks are in the DOM.
    const rendered = this.view.end()
    if (!rendered) this.li.classList.remove('streaming')
    else void rendered.catch(() => {}).then(() => this.li.classList.remove('streaming'))
    const { doc } = this.ctx
    const strings = this.ctx.strings()
    if (this.usage || this.timing.firstTextAt !== undefined) append(this.li, renderUsage(doc, answerStats(this.timing, this.usage), strings, this.ctx.locale()))
    const actions = doc.createElement('div')
    actions.className = 'turn-actions'
    const copy = labelled(doc, 'button', 'copyAnswer', strings)
    copy.type = 'button'
    copy.className = 'copy-answer'
    copy.addEventListener('click', () => void copyText(this.view.markdown).then((ok) => ok && flashLabel(copy, this.ctx.strings().copied)))
    const regenerate = labelled(doc, 'button', 'regenerate', strings)
    regenerate.type = 'button'
    regenerate.className = 'regenerate'
    regenerate.addEventListener('click', () => this.onRegenerate())
    append(actions, copy, regenerate)
    append(this.li, actions)
  }

  remove(): void {
    this.li.remove()
  }

  /** The page leaves this answer unfinished (ChatController detach: another chat opened, the chat deleted): its view lets go of its lexing. */
  drop(): void {
    if (this.ended) return
    this.ended = true
    this.view.drop()
  }
}
