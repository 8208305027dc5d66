import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startHeartbeat } from './heartbeat'

describe('heartbeat', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('beats after each interval of silence, and not while writes keep coming', () => {
    const beat = vi.fn()
    const hb = startHeartbeat(100, beat)
    vi.advanceTimersByTime(99)
    expect(beat).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(beat).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(100)
    expect(beat).toHaveBeenCalledTimes(2)
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(60)
      hb.touch()
    }
    expect(beat).toHaveBeenCalledTimes(2)
    hb.stop()
    vi.advanceTimersByTime(1000)
    expect(beat).toHaveBeenCalledTimes(2)
  })
})
