import { describe, expect, it } from 'vitest'
import { frameSchedule, type Schedule, type ScheduleClock } from './render-schedule'

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
    /** Time passes inside the running callback (a render's work). */
    spend(ms: number) {
      now += ms
    },
    /** Moves time on, firing the timers due, then runs one frame, then the tasks it posted that are due (as a browser runs them after the frame). */
    advance(ms: number) {
      now += ms
      const fire = () => {
        const due = timers.filter((t) => t.at <= now)
        timers = timers.filter((t) => t.at > now)
        due.forEach((t) => t.run())
      }
      fire()
      const run = frames
      frames = []
      run.forEach((f) => f())
      fire()
    },
  }
}

/**
 * A stream for `schedule`: `chars` characters arrive every 4 ms for `ms`, and the view asks for a
 * render whenever it has none pending; the render is told how many characters it takes, and the
 * schedule how many are waiting (unless `tellSize` is false).
 */
function streamer(schedule: Schedule, advance: (ms: number) => void, render: (chars: number) => void, tellSize = true) {
  let waiting = 0
  let asked = false
  const take = () => {
    asked = false
    const chars = waiting
    waiting = 0
    render(chars)
  }
  return (ms: number, chars = 1) => {
    for (let t = 0; t < ms; t += 4) {
      waiting += chars
      if (!asked) {
        asked = true
        schedule(take, tellSize ? () => waiting : undefined)
      }
      advance(4)
    }
  }
}

describe('frameSchedule', () => {
  it('renders in the next frame, then no sooner than the interval after the last render', () => {
    const { clock, advance } = fakeClock()
    const schedule = frameSchedule(clock, 50)
    const renders: number[] = []
    const render = () => void renders.push(clock.performance.now())
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

  it('spaces renders by what they cost: a slow render and its frame wait longer, up to 200 ms', () => {
    const { clock, advance, spend } = fakeClock()
    const schedule = frameSchedule(clock)
    const renders: number[] = []
    let cost = 1
    const render = () => {
      renders.push(clock.performance.now())
      spend(cost)
    }
    const stream = streamer(schedule, advance, render)
    // Cheap renders (1 ms: a 5% share would allow one every 20 ms): the 50 ms floor holds.
    stream(400)
    const gaps = (from: number) => renders.slice(from + 1).map((t, i) => t - renders[from + i])
    expect(Math.min(...gaps(1))).toBeGreaterThanOrEqual(50)
    expect(Math.max(...gaps(1))).toBeLessThan(60)
    // Renders of 6 ms: once the smoothed cost has caught up, they come about 120 ms apart.
    cost = 6
    const from = renders.length
    stream(3000)
    const slow = gaps(from + 10)
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(115)
    expect(Math.max(...slow)).toBeLessThan(135)
    // Renders of 20 ms would call for 400 ms: capped at 200.
    cost = 20
    const capped = renders.length
    stream(4000)
    expect(Math.max(...gaps(capped + 5))).toBeLessThan(215)
    expect(Math.min(...gaps(capped + 5))).toBeGreaterThanOrEqual(200)
  })

  it('renders text that comes faster than a screen per 200 ms every 500 ms, and goes back to the cost-based interval when it slows', () => {
    const { clock, advance, spend } = fakeClock()
    const schedule = frameSchedule(clock)
    const renders: Array<{ at: number; chars: number }> = []
    // Each render costs 2 ms (a 40 ms interval by cost alone: the 50 ms floor holds).
    const stream = streamer(schedule, advance, (chars) => {
      renders.push({ at: clock.performance.now(), chars })
      spend(2)
    })
    const gaps = (from: number, to = renders.length) => renders.slice(from + 1, to).map((r, i) => r.at - renders[from + i].at)
    // 40 characters every 4 ms (10 a ms: 2,000 per 200 ms, not more): the cost-based interval, 50 ms.
    stream(1000, 40)
    expect(Math.max(...gaps(2))).toBeLessThan(60)
    // 50 every 4 ms (12.5 a ms; the bench's answer streams at 25): 500 ms from the first render that saw it.
    const flood = renders.length
    stream(3000, 50)
    const apart = gaps(flood + 1)
    expect(apart.length).toBeGreaterThanOrEqual(4)
    expect(Math.min(...apart)).toBeGreaterThanOrEqual(500)
    expect(Math.max(...apart)).toBeLessThan(520)
    const slow = renders.length
    // Each of those renders takes the 500 ms of text that came since the last: 6,250 characters or more.
    expect(Math.min(...renders.slice(flood + 2, slow).map((r) => r.chars))).toBeGreaterThanOrEqual(6250)
    // Back to 4 every 4 ms: after one more 500 ms wait, every 50 ms again.
    stream(1000, 4)
    expect(renders[slow].at - renders[slow - 1].at).toBeGreaterThanOrEqual(500)
    expect(Math.max(...gaps(slow + 1))).toBeLessThan(60)
    // A schedule not told the size never takes a stream for a flood.
    const at: number[] = []
    const blind = streamer(frameSchedule(clock), advance, () => {
      at.push(clock.performance.now())
      spend(2)
    }, false)
    blind(1000, 50)
    expect(Math.max(...at.slice(2).map((t, i) => t - at[i + 1]))).toBeLessThan(60)
  })

  it('charges a render that goes on later (the lexing Worker) for its work and its frame, not for the wait', async () => {
    const { clock, advance, spend } = fakeClock()
    const schedule = frameSchedule(clock)
    const renders: number[] = []
    let reply: { at: number; answer: () => void } | undefined
    let pending = false
    for (let t = 0; t < 3000; t += 4) {
      if (!pending) {
        pending = true
        schedule(() => {
          pending = false
          renders.push(clock.performance.now())
          spend(0.5)
          // The tokens come back 20 ms later; building their DOM then costs 5.5 ms.
          return new Promise<number>((resolve) => {
            reply = {
              at: clock.performance.now() + 20,
              answer: () => {
                spend(5.5)
                resolve(5.5)
              },
            }
          })
        })
      }
      advance(4)
      if (reply && clock.performance.now() >= reply.at) {
        reply.answer()
        reply = undefined
      }
      // The promise's callbacks (the schedule asks for the frame after the DOM work) run now.
      await Promise.resolve()
      await Promise.resolve()
    }
    // 0.5 + 5.5 ms a render: one about every 120 ms (the 20 ms waits counted too would make it 200).
    const gaps = renders.slice(11).map((at, i) => at - renders[10 + i])
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(115)
    expect(Math.max(...gaps)).toBeLessThan(135)
  })
})
