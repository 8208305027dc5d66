import type { Strings } from '../i18n/en'
import { append } from './dom'
import { labelled } from './i18n-dom'

export type NoticeKind = 'error' | 'stopped' | 'info'

/**
 * The box above the composer that says how the last answer ended when it did not simply finish:
 * an error (role=alert), the reader's own Stop (role=status: a stop is not a failure), or a note.
 * It sits with the composer, so it is on screen wherever the conversation is scrolled. Retry is
 * offered only when trying again can help.
 */
export class Notice {
  constructor(
    private readonly box: HTMLElement,
    private readonly strings: () => Strings,
  ) {
    this.clear()
  }

  show(kind: NoticeKind, message: string, retry?: () => void): void {
    const doc = this.box.ownerDocument
    this.box.className = `notice ${kind}`
    this.box.setAttribute('role', kind === 'error' ? 'alert' : 'status')
    const text = doc.createElement('span')
    text.className = 'notice-text'
    text.textContent = message
    this.box.replaceChildren(text)
    if (retry) {
      const button = labelled(doc, 'button', 'retry', this.strings())
      button.type = 'button'
      button.className = 'retry'
      button.addEventListener('click', () => {
        this.clear()
        retry()
      })
      append(this.box, button)
    }
    this.box.hidden = false
  }

  clear(): void {
    this.box.hidden = true
    this.box.replaceChildren()
    this.box.className = 'notice'
  }

  get kind(): NoticeKind | undefined {
    return this.box.hidden ? undefined : (this.box.className.split(' ')[1] as NoticeKind)
  }
}
