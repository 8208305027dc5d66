/**
 * Conversations in memory, one per AgentCore session id: least recently used out when full, idle
 * ones forgotten after `idleMs` (AgentCore ends a session after 15 idle minutes and routes each
 * session to one instance, so memory here is the conversation's only home).
 *
 * Hand-written over a Map (its insertion order is the recency order) rather than a cache library:
 * a session that is generating must never be evicted or expire under its running stream, and a
 * generic cache cannot ask that question.
 */

export type EvictReason = 'lru' | 'idle' | 'ended'

export interface SessionStoreOptions<T> {
  maxSessions: number
  idleMs: number
  create: (id: string) => T
  /** True while the session must stay (it is generating). */
  isBusy?: (value: T) => boolean
  onEvict?: (id: string, value: T, reason: EvictReason) => void
  now?: () => number
}

interface Entry<T> {
  value: T
  lastUsed: number
}

export class SessionStore<T> {
  private readonly entries = new Map<string, Entry<T>>()
  private readonly now: () => number
  private sweeper: NodeJS.Timeout | undefined

  constructor(private readonly options: SessionStoreOptions<T>) {
    this.now = options.now ?? Date.now
  }

  get size(): number {
    return this.entries.size
  }

  /** The live session, or undefined; does not create and does not count as use. */
  peek(id: string): T | undefined {
    const entry = this.entries.get(id)
    if (!entry) return undefined
    if (this.expired(entry)) {
      this.evict(id, entry, 'idle')
      return undefined
    }
    return entry.value
  }

  /** The session for `id`, created if absent; marks it most recently used. */
  acquire(id: string): T {
    const existing = this.peek(id)
    const value = existing ?? this.options.create(id)
    this.entries.delete(id)
    this.entries.set(id, { value, lastUsed: this.now() })
    if (!existing) this.evictOverflow(id)
    return value
  }

  /** Marks the session used now (call when a stream ends, so idle time counts from the last byte). */
  touch(id: string): void {
    const entry = this.entries.get(id)
    if (entry) entry.lastUsed = this.now()
  }

  values(): T[] {
    return [...this.entries.values()].map((e) => e.value)
  }

  /** Forgets every idle-expired session; returns how many went. */
  sweep(): number {
    let removed = 0
    for (const [id, entry] of [...this.entries]) {
      if (this.expired(entry)) {
        this.evict(id, entry, 'idle')
        removed++
      }
    }
    return removed
  }

  /** Sweeps every `intervalMs` on a timer that does not keep the process alive. */
  startSweeping(intervalMs: number): void {
    this.stopSweeping()
    this.sweeper = setInterval(() => this.sweep(), intervalMs)
    this.sweeper.unref()
  }

  stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = undefined
  }

  private expired(entry: Entry<T>): boolean {
    return this.now() - entry.lastUsed > this.options.idleMs && !this.busy(entry.value)
  }

  /**
   * Drops the session whatever its state: its execution environment has ended (the local AgentCore
   * emulator's StopRuntimeSession, as AWS terminates the session's microVM and its memory with it).
   */
  forget(id: string): boolean {
    const entry = this.entries.get(id)
    if (!entry) return false
    this.evict(id, entry, 'ended')
    return true
  }

  private busy(value: T): boolean {
    return this.options.isBusy?.(value) ?? false
  }

  /**
   * Evicts the least recently used idle sessions until the store fits. If every session is busy the
   * store stays over its limit until streams end: the overflow is bounded by concurrent requests.
   */
  private evictOverflow(keep: string): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.options.maxSessions) return
      if (id !== keep && !this.busy(entry.value)) this.evict(id, entry, 'lru')
    }
  }

  private evict(id: string, entry: Entry<T>, reason: EvictReason): void {
    this.entries.delete(id)
    this.options.onEvict?.(id, entry.value, reason)
  }
}
