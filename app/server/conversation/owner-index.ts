import { DurableObject } from 'cloudflare:workers'
import type { Bindings } from '../../global'

export interface ConversationSummary {
  id: string
  title: string
  created: number
  updated: number
}

/**
 * The list of one owner's conversations (a Durable Object per owner id, SQLite storage): what
 * `GET /api/conversations` shows, and where the per-owner cap is enforced. Each Conversation object
 * also keeps its owner, and checks it on every call; this index only lists.
 */
export class OwnerIndex extends DurableObject<Bindings> {
  private readonly sql: SqlStorage

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.sql.exec(`CREATE TABLE IF NOT EXISTS conversations (
      id TEXT PRIMARY KEY, title TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL)`)
  }

  /** Adds a conversation unless the owner already has `max`; 'limit' then, and nothing is written. */
  reserve(id: string, title: string, now: number, max: number): 'ok' | 'limit' {
    const { n } = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM conversations').one()
    if (n >= max) return 'limit'
    this.sql.exec('INSERT OR IGNORE INTO conversations (id, title, created, updated) VALUES (?, ?, ?, ?)', id, title, now, now)
    return 'ok'
  }

  /** A turn of the conversation started: it moves to the top, with its new title if the turn gave it one. */
  touch(id: string, now: number, title?: string): void {
    this.sql.exec('UPDATE conversations SET updated = ?, title = coalesce(?, title) WHERE id = ?', now, title ?? null, id)
  }

  remove(id: string): void {
    this.sql.exec('DELETE FROM conversations WHERE id = ?', id)
  }

  /** Newest first. */
  list(): ConversationSummary[] {
    return this.sql.exec<Record<string, SqlStorageValue>>('SELECT id, title, created, updated FROM conversations ORDER BY updated DESC, id').toArray() as unknown as ConversationSummary[]
  }
}
