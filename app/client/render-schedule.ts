/**
 * When a streamed answer is rendered: in the next animation frame, and no sooner than an interval
 * after the previous render. Every render costs the browser a frame of style, layout and paint
 * whatever the chunk's size, so chunks that arrive faster than that are rendered together (npm run
 * bench -- --only=page: the streamed figures). The interval is 50 ms (20 updates a second, smooth
 * for reading text) while renders are cheap; where a render and its frame take longer (a slow or
 * busy device), the interval grows with that cost so that rendering keeps to a share of the main
 * thread (RENDER_SHARE) instead of taking more of it the slower the device is, up to 200 ms (5
 * updates a second). The first text after a pause still shows in the next frame.
 *
 * Text that comes faster than anyone reads — more than a screen (FLOOD_CHARS) per longest interval,
 * as a resumed answer's missed events, a reopened running answer or a very fast model bring it — is
 * rendered every FLOOD_INTERVAL_MS (2 updates a second): each render then adds screens the reader
 * cannot read before the view moves on, and every render has a cost of its own whatever its size
 * (about 4 ms here for the page's answer: the Worker's round trip, the open blocks built again, the
 * frame's style, layout, paint and layerizing), so rendering such a stream less often frees the main
 * thread for the reader's input at no cost to what they can see (bench/report.md, "The page").
 */
export type Schedule = (render: Render, size?: () => number) => void
/**
 * A render: its work is done when it returns, or, when it returns a promise, it goes on until the
 * promise resolves with the ms of main-thread work it did then (render-markdown.ts: the DOM built
 * from tokens the lexing Worker sent back), which the browser's next frame then lays out.
 */
export type Render = () => void | Promise<number>

export interface ScheduleClock {
  requestAnimationFrame(callback: () => void): unknown
  setTimeout(callback: () => void, ms: number): unknown
  performance: { now(): number }
}

export const RENDER_INTERVAL_MS = 50
export const MAX_RENDER_INTERVAL_MS = 200
/** The share of the main thread that rendering a stream may take: a render that cost 5 ms waits 100 ms for the next. */
export const RENDER_SHARE = 0.05
/** About a screen of text (a 1280×720 page shows ~2,500 characters of an answer, a phone ~1,000). */
export const FLOOD_CHARS = 2000
export const FLOOD_INTERVAL_MS = 500

/**
 * `schedule(render, size)`: `size`, read when the render runs, is how many characters it will add
 * (the text appended since the last render); without it a stream is never taken for a flood.
 */
export function frameSchedule(win: ScheduleClock, minIntervalMs = RENDER_INTERVAL_MS, share = RENDER_SHARE, maxIntervalMs = MAX_RENDER_INTERVAL_MS): Schedule {
  let last = -Infinity
  let interval = minIntervalMs
  /** The last render's text came faster than FLOOD_CHARS per longest interval: the next waits FLOOD_INTERVAL_MS. */
  let flood = false
  /** What a render costs, smoothed over the last few (one slow frame, a GC say, is not a trend). */
  let cost: number | undefined
  return (render, size) => {
    const run = () =>
      win.requestAnimationFrame(() => {
        const start = win.performance.now()
        // The rate since the last render (none before the first, nor after a pause that outlasted the text).
        flood = (size?.() ?? 0) / (start - last) > FLOOD_CHARS / maxIntervalMs
        last = start
        const more = render()
        if (typeof more?.then !== 'function') return measureFrame(start, 0)
        // The render goes on later (its DOM work when the Worker's tokens are back): its cost is what
        // it did now, what it did then and the frame after that; the waiting in between is not.
        const now = win.performance.now() - start
        more.then(
          (later) => win.requestAnimationFrame(() => measureFrame(win.performance.now(), now + later)),
          () => {},
        )
      })
    // The frame's style, layout and paint run after the animation frame callbacks, in the same
    // task: a task posted now runs when they are done, so the time until then is the render's.
    const measureFrame = (from: number, before: number) =>
      win.setTimeout(() => {
        const spent = before + win.performance.now() - from
        cost = cost === undefined ? spent : 0.7 * cost + 0.3 * spent
        interval = Math.min(maxIntervalMs, Math.max(minIntervalMs, cost / share))
      }, 0)
    const wait = last + (flood ? FLOOD_INTERVAL_MS : interval) - win.performance.now()
    if (wait > 0) win.setTimeout(run, wait)
    else run()
  }
}
