import type { Strings } from '../i18n/en'
import { fill } from '../i18n/format'

export interface ComposerOptions {
  maxChars: number
  locale: () => string
  strings: () => Strings
  onSend: (prompt: string) => void
  onEscape: () => void
}

/**
 * The message box: Enter sends and Shift+Enter is a newline, but never while an IME is composing
 * (Japanese input confirms its conversion with Enter); Esc stops the answer; a count shows the
 * characters used against the limit, in code points as the server counts them. The box grows with
 * its text through CSS (field-sizing: content, public/static/style.css).
 */
export class Composer {
  private composing = false

  constructor(
    private readonly form: HTMLFormElement,
    private readonly input: HTMLTextAreaElement,
    private readonly count: HTMLElement,
    private readonly options: ComposerOptions,
  ) {
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      this.submit()
    })
    // isComposing is false on the keydown that ends a composition in some browsers (Safari), so the
    // composition events are tracked too.
    input.addEventListener('compositionstart', () => (this.composing = true))
    input.addEventListener('compositionend', () => (this.composing = false))
    input.addEventListener('keydown', (e) => {
      if (e.isComposing || this.composing || e.keyCode === 229) return
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault()
        this.submit()
      } else if (e.key === 'Escape') {
        this.options.onEscape()
      }
    })
    input.addEventListener('input', () => this.updateCount())
    this.updateCount()
  }

  get inputElement(): HTMLTextAreaElement {
    return this.input
  }

  get value(): string {
    return this.input.value
  }

  /** Puts text in the box (a refused prompt back, or the last prompt to edit) and the caret at its end. */
  set(text: string): void {
    this.input.value = text
    this.updateCount()
    this.focus()
    this.input.setSelectionRange(text.length, text.length)
  }

  clear(): void {
    this.set('')
  }

  focus(): void {
    this.input.focus()
  }

  get tooLong(): boolean {
    return [...this.input.value].length > this.options.maxChars
  }

  updateCount(): void {
    const n = [...this.input.value].length
    const max = this.options.maxChars
    const locale = this.options.locale()
    const strings = this.options.strings()
    const values = { n: n.toLocaleString(locale), max: max.toLocaleString(locale) }
    this.count.textContent = fill(strings.charCount, values)
    this.count.title = fill(strings.charCountLabel, values)
    this.count.classList.toggle('over', n > max)
    this.input.setAttribute('aria-invalid', String(n > max))
    this.count.dataset.over = n > max ? fill(strings.tooLong, { over: (n - max).toLocaleString(locale) }) : ''
  }

  private submit(): void {
    const prompt = this.input.value
    // A prompt over the limit is still sent: the server's refusal (413, shown with the prompt kept in
    // the box) says why, and the server is the one that decides the limit.
    if (!prompt.trim()) return
    this.options.onSend(prompt)
  }
}
