import type { Strings } from '../i18n/en'

/**
 * Puts a language's strings into the page's own markup: elements name their string with
 * data-i18n (text), data-i18n-placeholder and data-i18n-aria-label. The island's markup and the
 * turns the controller adds both use these, so a language switch changes every label at once.
 */
export function applyStrings(root: ParentNode, strings: Strings): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = strings[el.dataset.i18n as keyof Strings] ?? el.textContent
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) el.setAttribute('placeholder', strings[el.dataset.i18nPlaceholder as keyof Strings])
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) el.setAttribute('aria-label', strings[el.dataset.i18nAriaLabel as keyof Strings])
}

/** An element whose text is one of the page's strings, and stays so across a language switch. */
export function labelled<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, key: keyof Strings, strings: Strings): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag)
  el.dataset.i18n = key
  el.textContent = strings[key]
  return el
}
