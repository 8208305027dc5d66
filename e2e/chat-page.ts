import type { Browser, ConsoleMessage, Page } from 'playwright-core'

/** One visible state of the latest answer: its text, and when (performance.now() in the page) it showed. */
export interface Growth {
  t: number
  text: string
}

/**
 * Opens the chat page and waits for its island. Console errors and page errors go to `problems`
 * (unless `expected` says a console message was provoked on purpose). The page records each
 * distinct text of the latest answer as it changes — what a reader sees grow — and when the form was
 * last sent: read them with `growth(page)` and `sentAt(page)`.
 */
export async function openChat(
  browser: Browser,
  url: string,
  problems: string[],
  expected: (m: ConsoleMessage) => boolean = () => false,
): Promise<Page> {
  const page = await browser.newPage()
  page.on('console', (m) => {
    if (expected(m)) return
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${m.text()} (${m.location().url})`)
  })
  page.on('pageerror', (e) => problems.push(e.message))
  await page.goto(url)
  await page.waitForSelector('form.composer[data-ready="true"]')
  await page.evaluate(() => {
    const w = window as unknown as { growth: Array<{ t: number; text: string }>; sentAt: number }
    w.growth = []
    document.querySelector('form.composer')!.addEventListener('submit', () => (w.sentAt = performance.now()), { capture: true })
    new MutationObserver(() => {
      const answers = document.querySelectorAll('.turn.assistant .answer')
      const text = answers[answers.length - 1]?.textContent ?? ''
      if (text && text !== w.growth[w.growth.length - 1]?.text) w.growth.push({ t: performance.now(), text })
    }).observe(document.querySelector('.log')!, { childList: true, subtree: true, characterData: true })
  })
  return page
}

export function growth(page: Page): Promise<Growth[]> {
  return page.evaluate(() => (window as unknown as { growth: Array<{ t: number; text: string }> }).growth)
}

export function sentAt(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { sentAt: number }).sentAt)
}
