/**
 * When a streamed answer is rendered: in the next animation frame, and no sooner than
 * `minIntervalMs` after the previous render. Every render costs the browser a frame of style,
 * layout and paint whatever the chunk's size, so chunks that arrive faster than that are rendered
 * together (npm run bench -- --only=page: the streamed figures). 50 ms is 20 updates a second,
 * smooth for reading text; the first text after a pause still shows in the next frame.
 */
export type Schedule = (render: () => void) => void

export interface ScheduleClock {
  requestAnimationFrame(callback: () => void): unknown
  setTimeout(callback: () => void, ms: number): unknown
  performance: { now(): number }
}

export const RENDER_INTERVAL_MS = 50

export function frameSchedule(win: ScheduleClock, minIntervalMs = RENDER_INTERVAL_MS): Schedule {
  let last = -Infinity
  return (render) => {
    const run = () =>
      win.requestAnimationFrame(() => {
        last = win.performance.now()
        render()
      })
    const wait = last + minIntervalMs - win.performance.now()
    if (wait > 0) win.setTimeout(run, wait)
    else run()
  }
}
