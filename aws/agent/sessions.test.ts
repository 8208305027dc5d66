import { describe, expect, it } from 'vitest'
import { SessionStore, type EvictReason } from './sessions'

interface Fake {
  id: string
  busy: boolean
}

function store(maxSessions: number, idleMs = 1_000) {
  let now = 0
  const evicted: Array<[string, EvictReason]> = []
  const sessions = new SessionStore<Fake>({
    maxSessions,
    idleMs,
    create: (id) => ({ id, busy: false }),
    isBusy: (s) => s.busy,
    onEvict: (id, _s, reason) => evicted.push([id, reason]),
    now: () => now,
  })
  return { sessions, evicted, advance: (ms: number) => (now += ms) }
}

describe('SessionStore', () => {
  it('creates a session once and returns the same one after', () => {
    const { sessions } = store(10)
    const a = sessions.acquire('a')
    expect(sessions.acquire('a')).toBe(a)
    expect(sessions.size).toBe(1)
  })

  it('forget drops a session even while it is busy; the id then starts fresh', () => {
    const { sessions, evicted } = store(10)
    const a = sessions.acquire('a')
    a.busy = true
    expect(sessions.forget('a')).toBe(true)
    expect(evicted).toEqual([['a', 'ended']])
    expect(sessions.peek('a')).toBeUndefined()
    expect(sessions.acquire('a')).not.toBe(a)
    expect(sessions.forget('never-there')).toBe(false)
  })

  it('peek neither creates nor refreshes', () => {
    const { sessions, advance } = store(10, 1_000)
    expect(sessions.peek('a')).toBeUndefined()
    expect(sessions.size).toBe(0)
    sessions.acquire('a')
    advance(600)
    expect(sessions.peek('a')).toBeDefined()
    advance(600)
    expect(sessions.peek('a')).toBeUndefined()
  })

  it('evicts the least recently used session when full', () => {
    const { sessions, evicted } = store(2)
    sessions.acquire('a')
    sessions.acquire('b')
    sessions.acquire('a') // a is now more recent than b
    sessions.acquire('c')
    expect(evicted).toEqual([['b', 'lru']])
    expect(sessions.peek('a')).toBeDefined()
    expect(sessions.peek('b')).toBeUndefined()
    expect(sessions.size).toBe(2)
  })

  it('never evicts a busy session; overflows only while every other one is busy', () => {
    const { sessions, evicted } = store(2)
    sessions.acquire('a').busy = true
    sessions.acquire('b')
    sessions.acquire('c')
    expect(evicted).toEqual([['b', 'lru']])
    sessions.acquire('c').busy = true
    sessions.acquire('d')
    expect(sessions.size).toBe(3)
    expect(evicted).toHaveLength(1)
    expect(sessions.peek('d')).toBeDefined()
  })

  it('expires idle sessions after idleMs, counted from the last use', () => {
    const { sessions, evicted, advance } = store(10, 1_000)
    sessions.acquire('a')
    sessions.acquire('b')
    advance(800)
    sessions.touch('a')
    advance(800)
    expect(sessions.sweep()).toBe(1)
    expect(evicted).toEqual([['b', 'idle']])
    expect(sessions.peek('a')).toBeDefined()
  })

  it('does not expire a session while it is busy', () => {
    const { sessions, advance } = store(10, 1_000)
    sessions.acquire('a').busy = true
    advance(5_000)
    expect(sessions.sweep()).toBe(0)
    sessions.peek('a')!.busy = false
    expect(sessions.sweep()).toBe(1)
  })

  it('starts a fresh conversation for an expired id', () => {
    const { sessions, advance } = store(10, 1_000)
    const first = sessions.acquire('a')
    advance(1_001)
    expect(sessions.acquire('a')).not.toBe(first)
  })
})
