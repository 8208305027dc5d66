import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from '../i18n/en'
import { ja } from '../i18n/ja'
import { ChatList } from './chat-list'
import type { ChatSummary } from './conversations-api'

// The markup is the island's (app/islands/chat.tsx); the list is GET /api/conversations's answer
// (app/server/conversation/routes.ts), played here by a stand-in for fetch.

const CHATS: ChatSummary[] = [
  { id: 'a'.repeat(33), title: 'Rivers <b>and</b> lakes', created: 1_700_000_000_000, updated: 1_700_000_100_000 },
  { id: 'b'.repeat(33), title: 'Convert 5 km to miles', created: 1_600_000_000_000, updated: 1_600_000_000_000 },
]

function markup(): { nav: HTMLElement; toggle: HTMLButtonElement } {
  document.body.innerHTML = `
    <button type="button" class="chats-toggle" aria-expanded="false" aria-controls="chats">Chats</button>
    <nav id="chats" class="chats" aria-label="Chats">
      <div class="chats-head"><h2 class="chats-title">Chats</h2><button type="button" class="close-chats">Close</button></div>
      <button type="button" class="start-chat">New chat</button>
      <ul class="chat-list"></ul>
      <p class="chat-list-empty"></p>
    </nav>`
  return { nav: document.querySelector('nav.chats')!, toggle: document.querySelector('button.chats-toggle')! }
}

afterEach(() => vi.unstubAllGlobals())

describe('ChatList', () => {
  it('lists the chats as links named by their title (text, never HTML), marks the open one, and names each Delete', async () => {
    vi.stubGlobal('fetch', async () => Response.json({ conversations: CHATS }))
    const { nav, toggle } = markup()
    let lang = en
    const opened: string[] = []
    const deleted: string[] = []
    const list = new ChatList(nav, toggle, { strings: () => lang, locale: () => 'en', onOpen: (id) => opened.push(id), onNew: () => {}, onDelete: (c) => deleted.push(c.id) })
    list.setOpen(CHATS[1].id)
    await list.refresh()

    const links = [...nav.querySelectorAll<HTMLAnchorElement>('a.open-chat')]
    expect(links.map((a) => a.querySelector('.chat-title')!.textContent)).toEqual(['Rivers <b>and</b> lakes', 'Convert 5 km to miles'])
    expect(nav.querySelector('b')).toBeNull()
    expect(links[0].getAttribute('href')).toBe(`?c=${CHATS[0].id}`)
    expect(links.map((a) => a.getAttribute('aria-current'))).toEqual([null, 'page'])
    expect(links[0].querySelector('time')!.getAttribute('datetime')).toBe(new Date(CHATS[0].updated).toISOString())
    const deletes = [...nav.querySelectorAll<HTMLButtonElement>('button.delete-chat')]
    expect(deletes.map((b) => b.getAttribute('aria-label'))).toEqual(['Delete “Rivers <b>and</b> lakes”', 'Delete “Convert 5 km to miles”'])
    expect((nav.querySelector('.chat-list-empty') as HTMLElement).hidden).toBe(true)

    links[0].dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }))
    expect(opened).toEqual([CHATS[0].id])
    deletes[1].click()
    expect(deleted).toEqual([CHATS[1].id])

    list.setOpen(CHATS[0].id)
    expect([...nav.querySelectorAll('a.open-chat')].map((a) => a.getAttribute('aria-current'))).toEqual(['page', null])
    // A language switch relabels the list.
    lang = ja
    list.render()
    expect(nav.querySelector('button.delete-chat')!.getAttribute('aria-label')).toBe('「Rivers <b>and</b> lakes」を削除')
    list.remove(CHATS[0].id)
    expect(nav.querySelectorAll('li.chat-item')).toHaveLength(1)
  })

  it('says when there are no chats, and when the list could not be loaded', async () => {
    const { nav, toggle } = markup()
    const list = new ChatList(nav, toggle, { strings: () => en, locale: () => 'en', onOpen: () => {}, onNew: () => {}, onDelete: () => {} })
    vi.stubGlobal('fetch', async () => Response.json({ conversations: [] }))
    await list.refresh()
    const empty = nav.querySelector('.chat-list-empty') as HTMLElement
    expect(empty.hidden).toBe(false)
    expect(empty.textContent).toBe('No chats yet.')
    vi.stubGlobal('fetch', async () => Response.json({ error: { code: 'internal_error', message: 'x' } }, { status: 500 }))
    await list.refresh()
    expect(empty.textContent).toBe('The list of chats could not be loaded.')
  })

  it('opens and closes as a drawer: aria-expanded on its button, Esc closes it and goes no further', () => {
    const { nav, toggle } = markup()
    let news = 0
    new ChatList(nav, toggle, { strings: () => en, locale: () => 'en', onOpen: () => {}, onNew: () => news++, onDelete: () => {} })
    const pageEsc = vi.fn()
    document.addEventListener('keydown', pageEsc)
    toggle.click()
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    expect(nav.dataset.open).toBe('true')
    nav.querySelector('button.start-chat')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(nav.dataset.open).toBe('false')
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle)
    expect(pageEsc).not.toHaveBeenCalled()
    // Closed, Esc is the page's again (it stops a running answer).
    nav.querySelector('button.start-chat')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(pageEsc).toHaveBeenCalledTimes(1)
    toggle.click()
    ;(nav.querySelector('button.start-chat') as HTMLButtonElement).click()
    expect(news).toBe(1)
    expect(nav.dataset.open).toBe('false')
    document.removeEventListener('keydown', pageEsc)
  })
})
