import type { EventType, StopReason } from '../../../protocol/events'
import { byteLength } from './byte-length'

/** One event of a turn as stored and replayed: `data` is the JSON text, serialized once when the event arrived. */
export interface StoredEvent {
  id: number
  turn: number
  type: EventType
  data: string
}

export interface ConversationInfo {
  id: string
  owner: string
  title: string
  created: number
  updated: number
  bytes: number
  /** Storage write batches so far (each flush is one SQLite transaction); benchmarks and tests read it. */
  writes: number
}

export interface TurnRow {
  turn: number
  prompt: string
  answer: string
  status: 'running' | 'done'
  stopReason: StopReason | null
  firstEvent: number
  lastEvent: number
  /** When the turn was asked for (the request reached the conversation, before the upstream opened): time to first token counts from here. */
  started: number
  ended: number | null
  /** When the conversation got the turn's first and (so far) last text event (Date.now(), ms); null before any text. */
  firstText: number | null
  lastText: number | null
}

/** How many events may wait in memory before they are written (besides the timer in Conversation). */
export const FLUSH_EVENTS = 64

/**
 * The conversation's SQLite storage (the Durable Object's own database) and the events not yet
 * written. Events get their ids here, go to `pending` at once (readers see them from there), and
 * reach SQLite in batches: one transaction per `flush()`, not one write per token.
 *
 * Every method is synchronous: SQLite storage calls do not yield, so a replay (stored + pending) and
 * registering a live reader happen with no event slipping between them.
 */
export class ConversationStore {
  private pending: StoredEvent[] = []
  private nextId = 1
  /** The running turn's answer text, including events still pending. */
  private answer = ''
  private pendingBytes = 0
  /** `conversation.bytes` as stored, kept here too: the byte cap is checked on every event, without a query each time. */
  private storedBytes = 0
  /** When the running turn's first and latest text events came (ms), written with the next flush: a reopened answer's timing. */
  private firstTextAt: number | null = null
  private lastTextAt: number | null = null

  private readonly sql: SqlStorage

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql
    this.migrate()
  }

  /** Creates the tables (again, after deleteAll()). */
  migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS conversation (
      id TEXT NOT NULL, owner TEXT NOT NULL, title TEXT NOT NULL,
      created INTEGER NOT NULL, updated INTEGER NOT NULL, bytes INTEGER NOT NULL DEFAULT 0, writes INTEGER NOT NULL DEFAULT 0)`)
    this.sql.exec(`CREATE TABLE IF NOT EXISTS turns (
      turn INTEGER PRIMARY KEY, prompt TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
      stop_reason TEXT, first_event INTEGER NOT NULL, last_event INTEGER NOT NULL, started INTEGER NOT NULL, ended INTEGER,
      first_text INTEGER, last_text INTEGER)`)
    this.sql.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, turn INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)`)
    this.addTextTimes()
    const last = this.sql.exec<{ id: number | null }>('SELECT max(id) AS id FROM events').one().id
    this.nextId = (last ?? 0) + 1
    this.pending = []
    this.answer = ''
    this.pendingBytes = 0
    this.storedBytes = this.info()?.bytes ?? 0
  }

  /**
   * The turns' text times came after the first conversations were stored: a database made before
   * them gets the two columns (empty for its old turns, whose reopened answers show no timing line).
   */
  private addTextTimes(): void {
    const columns = this.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('turns')").toArray().map((c) => c.name)
    if (!columns.includes('first_text')) this.sql.exec('ALTER TABLE turns ADD COLUMN first_text INTEGER')
    if (!columns.includes('last_text')) this.sql.exec('ALTER TABLE turns ADD COLUMN last_text INTEGER')
  }

  info(): ConversationInfo | undefined {
    return this.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM conversation LIMIT 1').toArray()[0] as unknown as ConversationInfo | undefined
  }

  /** A new title: the first prompt was edited (the turn that replaced the only one). */
  setTitle(title: string): void {
    this.sql.exec('UPDATE conversation SET title = ?', title)
  }

  create(id: string, owner: string, title: string, now: number): void {
    this.sql.exec('INSERT INTO conversation (id, owner, title, created, updated) VALUES (?, ?, ?, ?, ?)', id, owner, title, now, now)
  }

  /** Bytes stored and waiting: the prompt texts and the events' JSON. */
  bytes(): number {
    return this.storedBytes + this.pendingBytes
  }

  latestTurn(): TurnRow | undefined {
    const row = this.sql.exec('SELECT * FROM turns ORDER BY turn DESC LIMIT 1').toArray()[0]
    return row ? toTurn(row) : undefined
  }

  turns(): TurnRow[] {
    return this.sql.exec('SELECT * FROM turns ORDER BY turn').toArray().map(toTurn)
  }

  /**
   * Starts a turn: its row is written at once (a reload must find it), with the prompt's bytes
   * counted. `asked`: when the turn was asked for, if before `now` (the upstream's opening in between).
   */
  startTurn(prompt: string, now: number, asked = now): number {
    const turn = (this.latestTurn()?.turn ?? 0) + 1
    this.sql.exec(
      'INSERT INTO turns (turn, prompt, status, first_event, last_event, started) VALUES (?, ?, ?, ?, ?, ?)',
      turn,
      prompt,
      'running',
      this.nextId,
      this.nextId - 1,
      asked,
    )
    const bytes = byteLength(prompt)
    this.sql.exec('UPDATE conversation SET updated = ?, bytes = bytes + ?, writes = writes + 1', now, bytes)
    this.storedBytes += bytes
    this.answer = ''
    this.firstTextAt = this.lastTextAt = null
    return turn
  }

  /**
   * Takes up a turn left running by an instance that is gone (a restart): its answer and text times
   * as stored, so that ending it (append, flush, endTurn) keeps them rather than writing empty ones.
   */
  adoptTurn(turn: TurnRow): void {
    this.answer = turn.answer
    this.firstTextAt = turn.firstText
    this.lastTextAt = turn.lastText
  }

  /** Deletes the latest (finished) turn and its events: an edit or regenerate replaces it. Event ids go on counting up. */
  dropLatestTurn(): void {
    const latest = this.latestTurn()
    if (!latest || latest.status !== 'done') return
    this.storage.transactionSync(() => {
      this.sql.exec('DELETE FROM events WHERE turn = ?', latest.turn)
      this.sql.exec('DELETE FROM turns WHERE turn = ?', latest.turn)
      this.sql.exec('UPDATE conversation SET writes = writes + 1')
    })
  }

  /**
   * Gives the event its id and keeps it pending until the next flush. `json` is `data` already
   * serialized (one line) and `bytes` its UTF-8 length, when the caller has them.
   */
  append(turn: number, type: EventType, data: unknown, json: string = JSON.stringify(data), bytes = byteLength(json), id = this.nextId): StoredEvent {
    // An id given by the upstream (a natively relayed turn: Conversation.follow) is above every id so far.
    if (id < this.nextId) throw new RangeError(`event id ${id} is not above ${this.nextId - 1}`)
    this.nextId = id + 1
    const event: StoredEvent = { id, turn, type, data: json }
    this.pending.push(event)
    this.pendingBytes += bytes
    if (type === 'text') {
      this.answer += (data as { text: string }).text
      this.lastTextAt = Date.now()
      this.firstTextAt ??= this.lastTextAt
    }
    return event
  }

  /** The next event gets id `next` at least: the upstream used the ids below it (an event the conversation does not keep). */
  skipTo(next: number): void {
    this.nextId = Math.max(this.nextId, next)
  }

  pendingCount(): number {
    return this.pending.length
  }

  runningAnswer(): string {
    return this.answer
  }

  /** Writes the pending events, the turn's answer so far and the byte count in one transaction. */
  flush(turn: number): void {
    if (this.pending.length === 0) return
    const batch = this.pending
    const bytes = this.pendingBytes
    this.pending = []
    this.pendingBytes = 0
    this.storage.transactionSync(() => {
      // One statement for the whole batch (rows as one JSON array, spread by SQLite's json_each): a
      // statement per event cost a storage call per event.
      this.sql.exec(
        'INSERT INTO events (id, turn, type, data) SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?)',
        JSON.stringify(batch.map((e) => [e.id, e.turn, e.type, e.data])),
      )
      this.sql.exec(
        'UPDATE turns SET answer = ?, last_event = ?, first_text = ?, last_text = ? WHERE turn = ?',
        this.answer,
        batch[batch.length - 1].id,
        this.firstTextAt,
        this.lastTextAt,
        turn,
      )
      this.sql.exec('UPDATE conversation SET bytes = bytes + ?, writes = writes + 1', bytes)
    })
    this.storedBytes += bytes
  }

  /** Marks the turn ended (after its last events were flushed). */
  endTurn(turn: number, stopReason: StopReason, now: number): void {
    this.sql.exec('UPDATE turns SET status = ?, stop_reason = ?, ended = ? WHERE turn = ?', 'done', stopReason, now, turn)
    this.sql.exec('UPDATE conversation SET updated = ?, writes = writes + 1', now)
  }

  /** The events of `turn` with an id above `after`: stored ones, then pending ones, in id order. */
  eventsAfter(turn: number, after: number): StoredEvent[] {
    const stored = this.sql
      .exec<{ id: number; turn: number; type: string; data: string }>('SELECT id, turn, type, data FROM events WHERE turn = ? AND id > ? ORDER BY id', turn, after)
      .toArray() as StoredEvent[]
    return [...stored, ...this.pending.filter((e) => e.turn === turn && e.id > after)]
  }

  /** The running turn's text times so far (pending ones included): see TurnRow.firstText. */
  runningTextTimes(): { firstText: number | null; lastText: number | null } {
    return { firstText: this.firstTextAt, lastText: this.lastTextAt }
  }

  /**
   * The events of the given types (`tool`, `usage`, `error`) of every turn (stored, then pending), by
   * type and turn, as their JSON text: a reopened answer shows its tool calls, usage and error as they
   * were shown live. One scan of the events for all the types (no index): it runs when a chat is
   * opened, never per chunk, and the conversation's byte cap bounds it.
   */
  eventsOfTypes<T extends 'tool' | 'usage' | 'error'>(types: readonly T[]): Record<T, Map<number, string[]>> {
    const byType = Object.fromEntries(types.map((type) => [type, new Map<number, string[]>()])) as Record<T, Map<number, string[]>>
    const add = (type: string, turn: number, data: string) => {
      const byTurn = byType[type as T]
      if (!byTurn) return
      const list = byTurn.get(turn)
      if (list) list.push(data)
      else byTurn.set(turn, [data])
    }
    const placeholders = types.map(() => '?').join(', ')
    for (const row of this.sql.exec<{ type: string; turn: number; data: string }>(`SELECT type, turn, data FROM events WHERE type IN (${placeholders}) ORDER BY id`, ...types)) {
      add(row.type, row.turn, row.data)
    }
    for (const e of this.pending) add(e.type, e.turn, e.data)
    return byType
  }

  lastEventId(): number {
    return this.nextId - 1
  }
}

function toTurn(row: Record<string, SqlStorageValue>): TurnRow {
  return {
    turn: row.turn as number,
    prompt: row.prompt as string,
    answer: row.answer as string,
    status: row.status as TurnRow['status'],
    stopReason: (row.stop_reason as StopReason | null) ?? null,
    firstEvent: row.first_event as number,
    lastEvent: row.last_event as number,
    started: row.started as number,
    ended: (row.ended as number | null) ?? null,
    firstText: (row.first_text as number | null) ?? null,
    lastText: (row.last_text as number | null) ?? null,
  }
}
