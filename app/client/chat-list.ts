import type { Strings } from '../i18n/en'
import { fill } from '../i18n/format'
import { listChats, type ChatSummary } from './conversations-api'
import { append } from './dom'
import { labelled } from './i18n-dom'

export interface ChatListOptions {
  strings: () => Strings
  locale: () => string
  onOpen: (id: string) => void
  onNew: () => void
  onDelete: (chat: ChatSummary) => void
}

/**
 * The sidebar of the visitor's chats (a drawer on narrow screens, public/static/style.css): each
 * chat is a link to `?c=<id>` (so it opens in a new tab too), the open one marked with
 * aria-current, each with a Delete button named after its chat. The list comes from
 * GET /api/conversations and is fetched again when a chat starts, ends or goes.
 */
export class ChatList {
  private chats: ChatSummary[] = []
  private openId: string | undefined
  private failed = false
  private loading: AbortController | undefined
  private readonly list: HTMLUListElement
  private readonly empty: HTMLElement

  constructor(
    private readonly nav: HTMLElement,
    private readonly toggle: HTMLButtonElement,
    private readonly options: ChatListOptions,
  ) {
    this.list = nav.querySelector('ul.chat-list') as HTMLUListElement
    this.empty = nav.querySelector('.chat-list-empty') as HTMLElement
    toggle.addEventListener('click', () => this.setDrawer(toggle.getAttribute('aria-expanded') !== 'true'))
    nav.querySelector('button.close-chats')?.addEventListener('click', () => this.setDrawer(false, true))
    nav.querySelector('button.start-chat')?.addEventListener('click', () => {
      this.setDrawer(false)
      options.onNew()
    })
    nav.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key !== 'Escape' || !this.drawerOpen) return
      // This Esc closes the drawer; it must not also reach the page's Esc, which stops an answer.
      e.stopPropagation()
      this.setDrawer(false, true)
    })
    this.list.addEventListener('click', (e) => {
      const target = e.target as HTMLElement
      const link = target.closest<HTMLAnchorElement>('a.open-chat')
      const del = target.closest<HTMLButtonElement>('button.delete-chat')
      const mouse = e as MouseEvent
      if (link && !mouse.ctrlKey && !mouse.metaKey && !mouse.shiftKey && mouse.button === 0) {
        e.preventDefault()
        this.setDrawer(false)
        options.onOpen(link.dataset.id!)
      } else if (del) {
        const chat = this.chats.find((c) => c.id === del.dataset.id)
        if (chat) options.onDelete(chat)
      }
    })
  }

  private get drawerOpen(): boolean {
    return this.nav.dataset.open === 'true'
  }

  /** Opens or closes the drawer (narrow screens; on wide ones the list is always shown). */
  setDrawer(open: boolean, focusToggle = false): void {
    this.nav.dataset.open = String(open)
    this.toggle.setAttribute('aria-expanded', String(open))
    if (open) this.nav.querySelector<HTMLElement>('[aria-current="page"], a.open-chat, button.start-chat')?.focus()
    else if (focusToggle) this.toggle.focus()
  }

  /** Marks the open chat (undefined: a new one, not yet listed). */
  setOpen(id: string | undefined): void {
    this.openId = id
    for (const link of this.list.querySelectorAll<HTMLAnchorElement>('a.open-chat')) {
      if (link.dataset.id === id) link.setAttribute('aria-current', 'page')
      else link.removeAttribute('aria-current')
    }
  }

  /** Fetches the list again and shows it. */
  async refresh(): Promise<void> {
    this.loading?.abort()
    const loading = new AbortController()
    this.loading = loading
    try {
      this.chats = await listChats(loading.signal)
      this.failed = false
    } catch {
      if (loading.signal.aborted) return
      this.failed = true
    }
    this.render()
  }

  /** Drops a chat from the list at once (it was deleted). */
  remove(id: string): void {
    this.chats = this.chats.filter((c) => c.id !== id)
    this.render()
  }

  /** Shows the list in the page's current language. */
  render(): void {
    const doc = this.nav.ownerDocument
    const strings = this.options.strings()
    const items = this.chats.map((chat) => {
      const li = doc.createElement('li')
      li.className = 'chat-item'
      const link = doc.createElement('a')
      link.className = 'open-chat'
      link.href = `?c=${encodeURIComponent(chat.id)}`
      link.dataset.id = chat.id
      if (chat.id === this.openId) link.setAttribute('aria-current', 'page')
      const title = doc.createElement('span')
      title.className = 'chat-title'
      title.textContent = chat.title
      const time = doc.createElement('time')
      time.className = 'chat-updated'
      time.dateTime = new Date(chat.updated).toISOString()
      time.textContent = new Date(chat.updated).toLocaleString(this.options.locale(), { dateStyle: 'medium', timeStyle: 'short' })
      append(link, title, time)
      const del = doc.createElement('button')
      del.type = 'button'
      del.className = 'delete-chat'
      del.dataset.id = chat.id
      del.setAttribute('aria-label', fill(strings.deleteChatNamed, { title: chat.title }))
      del.title = del.getAttribute('aria-label')!
      del.textContent = '×'
      append(li, link, del)
      return li
    })
    this.list.replaceChildren(...items)
    this.empty.hidden = items.length > 0
    this.empty.replaceChildren(labelled(doc, 'span', this.failed ? 'chatListFailed' : 'noChats', strings))
  }
}
