/**
 * Runs `then` once `element` comes near the viewport: within half the viewport's height above or
 * below it. Finished code blocks are highlighted through it (render-markdown.ts), so a block that
 * nobody scrolls to costs no highlighting: not the Worker's work, nor building its spans, nor their
 * style, layout and paint. While an answer streams faster than it can be read, the view follows
 * its end and scrolls past most blocks within the frame that finished them, and a reopened chat's
 * earlier answers start out of view (npm run bench -- --only=page: ~20 % of the page's main-thread
 * time per chunk went to highlighting blocks nobody saw). Returns a function that stops waiting.
 */
export type WhenNear = (element: Element, then: () => void) => () => void

/** For a browser without IntersectionObserver: at once. */
export const atOnce: WhenNear = (_, then) => {
  then()
  return () => {}
}

export function nearViewport(win: { IntersectionObserver?: typeof IntersectionObserver }, margin = '50%'): WhenNear {
  const Observer = win.IntersectionObserver
  if (!Observer) return atOnce
  const waiting = new Map<Element, () => void>()
  let observer: IntersectionObserver | undefined
  const stop = (element: Element) => {
    waiting.delete(element)
    observer?.unobserve(element)
  }
  return (element, then) => {
    observer ??= new Observer(
      (entries) => {
        for (const { target, isIntersecting } of entries) {
          const run = isIntersecting ? waiting.get(target) : undefined
          if (!run) continue
          stop(target)
          run()
        }
      },
      { rootMargin: `${margin} 0px` },
    )
    waiting.set(element, then)
    observer.observe(element)
    return () => stop(element)
  }
}
