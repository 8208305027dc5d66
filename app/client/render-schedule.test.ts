import { describe, expect, it } from 'vitest'
import { frameSchedule, type ScheduleClock } from './render-schedule'

/** A clock whose frames and timers run when the test says: time moves only by `advance`. */
function fakeClock() {
  let now = 0
  let frames: Array<() => void> = []
  let timers: Array<{ at: number; run: () => void }> = []
  const clock: ScheduleClock = {
    requestAnimationFrame: (callback) => frames.push(callback),
    setTimeout: (callback, ms) => timers.push({ at: now + ms, run: callback }),
    performance: { now: () => now },
  }
  return {
    clock,
    /** Moves time on, firing the timers due, then runs one frame. */
    advance(ms: number) {
      now += ms
      const due = timers.filter((t) => t.at <= now)
      timers = timers.filter((t) => t.at > now)
      due.forEach((t) => t.run())
      const run = frames
      frames = []
      run.forEach((f) => f())
    },
  }
}

describe('frameSchedule', () => {
  it('renders in the next frame, then no sooner than the interval after the last render', () => {
    const { clock, advance } = fakeClock()
    const schedule = frameSchedule(clock, 50)
    const renders: number[] = []
    const render = () => renders.push(clock.performance.now())
    schedule(render)
    expect(renders).toEqual([])
    advance(16)
    expect(renders).toEqual([16])
    // Text 10 ms after a render waits for the interval to pass, then for a frame.
    advance(10)
    schedule(render)
    advance(16)
    advance(16)
    expect(renders).toEqual([16])
    advance(16)
    expect(renders).toEqual([16, 74])
    // After a pause longer than the interval, the next frame renders.
    advance(500)
    schedule(render)
    advance(16)
    expect(renders).toEqual([16, 74, 590])
  })
})
