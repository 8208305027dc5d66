import { DurableObject } from 'cloudflare:workers'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { EVENT_TYPES, MIN_FRAME_BYTES, type ErrorCode, type ErrorEvent, type EventType, type StopReason, type ToolEvent, type UsageEvent } from '../../../protocol/events'
import type { Bindings } from '../../global'
import { configOf } from '../config'
import type { ErrorStatus } from '../errors'
import { upstreamFor, type OpenResult, type Upstream } from '../upstream'
import { FanOut } from './fan-out'
import { byobReaderOf } from './byob-reader'
import { NativeRelay } from './native-relay'
import { encodeFrames, frameText } from './sse'
import { byteLength } from './byte-length'
import { ConversationStore, FLUSH_EVENTS, type TurnRow } from './store'
import { compactHistory, type HistoryMessage } from './history'
import { titleOf } from './title'
import { Watchers, WATCH_OWNER_HEADER } from './watchers'
import { errorResponse } from '../errors'

export interface TurnRequest {
  conversationId: string
  owner: string
  prompt: string
  /** Edit, regenerate, retry: the prompt of the latest exchange this turn replaces (dropped from the history when it matches). */
  replaces?: string
  /** True for a new conversation (POST /api/invoke without a session id); false to continue one. */
  create: boolean
  requestId: string
  maxTurnMs: number
  maxBytes: number
}

export type Failure = { ok: false; status: ErrorStatus; code: ErrorCode; message: string; retryable?: boolean; retryAfter?: string }
/** `title`: the conversation's new title, when this turn changed it (an edit of its first and only prompt). */
export type StreamResult = { ok: true; turn: number; stream: ReadableStream<Uint8Array>; title?: string } | Failure

/** What a Stop did: whether it ended a running turn, and whether the upstream said it cancelled the agent's. */
export type StopOutcome = { stopped: boolean; upstreamCancelled?: boolean }

export interface Message {
  role: 'user' | 'assistant'
  turn: number
  text: string
  /** Assistant messages: how the turn ended (null while it runs). */
  stopReason?: StopReason | null
  /** Assistant messages with tool calls: the turn's `tool` events in order, as they streamed (the page applies them as it did live). */
  tools?: ToolEvent[]
  /** Assistant messages whose turn sent one: its (last) `usage` event, as it streamed. */
  usage?: UsageEvent
  /** Assistant messages with text: the turn's timing as the conversation saw it (see AnswerTiming). */
  timing?: AnswerTiming
  /** Assistant messages of a turn that ended in an error: its (last) `error` event, the reason the page showed live. */
  error?: ErrorEvent
}

/**
 * When a turn's text came, measured by the conversation (Date.now(), ms): `firstTextMs` from the
 * turn being asked for (the request reaching the conversation) to its first text event, `streamedMs`
 * from the first text event to the last (so far, while it runs). A reopened answer's usage line is
 * worked out from these and its usage event, as a live one is from the page's own clock.
 */
export interface AnswerTiming {
  firstTextMs: number
  streamedMs: number
}

export interface ConversationView {
  id: string
  title: string
  created: number
  updated: number
  messages: Message[]
  /** The running turn and the id of its last event so far (resume after it), or null. */
  running: { turn: number; lastEventId: number } | null
}

/** Events wait at most this long in memory before a flush writes them (besides FLUSH_EVENTS). */
export const FLUSH_MS = 100
/** Stop of a natively relayed turn: how long the upstream has to end its answer before its read is aborted (see endEarly). */
const STOP_GRACE_MS = 2_000
/** While a turn runs an alarm fires this often: it keeps the object in memory and enforces the turn's deadline after a restart. */
const HEARTBEAT_MS = 30_000

interface RunningTurn {
  turn: number
  upstream: AbortController
  deadline: number
  timer: ReturnType<typeof setTimeout>
  flushTimer?: ReturnType<typeof setTimeout>
  maxBytes: number
  ended: boolean
  /** The first reader's native relay, when the upstream numbers its events (see `follow`). */
  native?: NativeRelay
  /** Native turns only: why the conversation is ending the turn early; it ends once the upstream's bytes are all read. */
  ending?: EarlyEnd
  /** Settles when the turn has ended (finish). */
  finished: Promise<void>
  settle: () => void
}

type EarlyEnd = 'cancelled' | 'timeout' | 'full' | 'bad_ids'

/**
 * One conversation, one Durable Object (named by the conversation id), with its SQLite storage.
 * Every turn goes through it: it opens the upstream, gives every event an id, stores the events in
 * batches and fans them out to every connected reader. A reader leaving is not a Stop: the turn runs
 * to its end (or its deadline) with no reader at all, and a reader that comes back replays from any
 * event id (see `events`). `stop` is the only way to cancel a turn early.
 */
export class Conversation extends DurableObject<Bindings> {
  private readonly store: ConversationStore
  private readonly fanOut = new FanOut()
  /** The pages watching between turns (watchers.ts): told when a turn starts or ends. */
  private readonly watchers: Watchers
  private running: RunningTurn | undefined
  /** True while a turn waits for the upstream's first byte: a second turn then gets its 409 without reaching the agent. */
  private starting = false
  /**
   * A Stop that came while the turn waited for the upstream's first byte (`starting`: the agent's cold
   * start, seconds in AWS). It is applied once the turn has started, so that the Stop ends it as
   * cancelled and reaches the agent; answered then `{stopped: false}`, it was lost and the answer ran to
   * its end (the page's Stop of a chat's second turn comes at once: chat-controller.ts stop).
   */
  private stopWhenStarted: { promise: Promise<StopOutcome>; resolve: (outcome: StopOutcome) => void } | undefined

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env)
    this.store = new ConversationStore(ctx.storage)
    this.watchers = new Watchers(ctx)
    // A fresh instance never has a turn in memory: one still marked running was cut off by a restart
    // (an eviction, a deploy, a crash). End it in storage so readers get a done and the next turn may start.
    const last = this.store.latestTurn()
    if (last?.status === 'running') this.closeInterrupted(last)
  }

  /** Starts a turn and returns the first reader's stream (from the turn's first event). */
  async startTurn(req: TurnRequest): Promise<StreamResult> {
    const info = this.store.info()
    if (!info && !req.create) return notFound()
    if (info && info.owner !== req.owner) return notFound()
    if (this.running || this.starting) return busy()
    const asked = Date.now()
    if (this.store.bytes() + byteLength(req.prompt) > req.maxBytes) {
      return fail(413, 'conversation_full', 'This conversation holds as much as it may. Start a new conversation.')
    }
    const replaced = req.replaces !== undefined && this.store.latestTurn()?.prompt === req.replaces
    const history = this.history(replaced)
    const upstream = new AbortController()
    // The conversation's own meta event takes the next id; the upstream may number its events from the one after (follow).
    const firstEventId = this.store.lastEventId() + 2
    this.starting = true
    let opened: OpenResult
    try {
      opened = await this.upstream().open(
        {
          prompt: req.prompt,
          sessionId: req.conversationId,
          userId: req.owner,
          ...(req.replaces !== undefined && { replaces: req.replaces }),
          ...(history.length ? { history } : {}),
          firstEventId,
        },
        upstream.signal,
      )
    } catch (error) {
      this.takeStopWhenStarted()?.({ stopped: false })
      throw error
    } finally {
      this.starting = false
    }
    // Nothing was stored: a failed start leaves the conversation as it was. A timeout or a failure
    // after the request went out may leave the agent running for nobody: stop it.
    if (!opened.ok) {
      if (opened.mayRun) this.ctx.waitUntil(this.upstream().cancel(req.conversationId))
      this.takeStopWhenStarted()?.({ stopped: false })
      const { mayRun: _mayRun, ...failure } = opened
      return failure
    }

    const now = Date.now()
    if (replaced) this.store.dropLatestTurn()
    // The title is the first prompt's: an edit of the only prompt gives the conversation a new one.
    let title: string | undefined
    const kept = this.store.info()
    if (!kept) this.store.create(req.conversationId, req.owner, titleOf(req.prompt), now)
    else if (replaced && !this.store.latestTurn() && titleOf(req.prompt) !== kept.title) {
      title = titleOf(req.prompt)
      this.store.setTitle(title)
    }
    const turn = this.store.startTurn(req.prompt, now, asked)
    let settle = () => {}
    const finished = new Promise<void>((resolve) => (settle = resolve))
    const run: RunningTurn = {
      turn,
      upstream,
      deadline: now + req.maxTurnMs,
      timer: setTimeout(() => this.endEarly(run, 'timeout'), req.maxTurnMs),
      maxBytes: req.maxBytes,
      ended: false,
      finished,
      settle,
    }
    this.running = run
    await this.ctx.storage.setAlarm(Math.min(run.deadline, now + HEARTBEAT_MS))
    this.record(run, 'meta', { sessionId: req.conversationId, requestId: req.requestId })
    // No reader yet: the meta event reaches the first one in its replay.
    const replay = this.store.eventsAfter(turn, 0)
    let stream: ReadableStream<Uint8Array>
    if (opened.firstEventId === firstEventId && this.store.lastEventId() === firstEventId - 1 && !run.ended) {
      // The upstream numbers its events from the id after our meta: the first reader gets its body natively.
      const relay = new NativeRelay(opened.body, encodeFrames(replay.map(frameText).join('')), FLUSH_MS)
      run.native = relay
      stream = relay.stream
      void this.follow(run, relay)
    } else {
      // A Stop during the alarm's write above ended the turn already: the replay holds all of it.
      stream = this.fanOut.open(replay, !run.ended)
      void this.pump(run, opened.body)
    }
    this.watchers.tell({ type: 'turn', turn, running: true })
    const stopped = this.takeStopWhenStarted()
    if (stopped) void this.endEarly(run, 'cancelled').then(({ cancelled }) => stopped({ stopped: true, upstreamCancelled: cancelled }))
    return { ok: true, turn, stream, ...(title !== undefined && { title }) }
  }

  /** The Stop waiting for the turn to start, if one is: its answer's resolver (the caller settles it). */
  private takeStopWhenStarted(): ((outcome: StopOutcome) => void) | undefined {
    const waiting = this.stopWhenStarted
    this.stopWhenStarted = undefined
    return waiting?.resolve
  }

  /**
   * A reader for the latest turn: its events with an id above `after` (stored and pending), then,
   * if it still runs, the live rest. Replay and registration happen in one synchronous step, so no
   * event is missed or sent twice.
   */
  events(owner: string, after = 0): StreamResult {
    const info = this.store.info()
    if (!info || info.owner !== owner) return notFound()
    const turn = this.store.latestTurn()
    if (!turn) return { ok: true, turn: 0, stream: this.fanOut.open([], false) }
    const live = this.running?.turn === turn.turn
    // A reader may be ahead of what the conversation has read of a natively relayed turn (its first
    // reader got events this object reads later, lazily: follow). It waits for them: the fan-out
    // skips what it already has (ids up to `after`), so nothing is missed or sent twice.
    return { ok: true, turn: turn.turn, stream: this.fanOut.open(this.store.eventsAfter(turn.turn, after), live, after) }
  }

  /** Ends the running turn as cancelled: aborts the upstream read and asks the upstream to cancel. */
  async stop(owner: string): Promise<({ ok: true } & StopOutcome) | Failure> {
    const info = this.store.info()
    if (!info || info.owner !== owner) return notFound()
    const run = this.running
    if (!run && this.starting) {
      // The turn waits for the upstream's first byte: it is stopped as soon as it has started.
      if (!this.stopWhenStarted) {
        let resolve!: (outcome: StopOutcome) => void
        this.stopWhenStarted = { promise: new Promise((r) => (resolve = r)), resolve }
      }
      return { ok: true, ...(await this.stopWhenStarted.promise) }
    }
    if (!run) return { ok: true, stopped: false }
    const cancelled = this.endEarly(run, 'cancelled')
    return { ok: true, stopped: true, upstreamCancelled: (await cancelled).cancelled }
  }

  view(owner: string): ConversationView | Failure {
    const info = this.store.info()
    if (!info || info.owner !== owner) return notFound()
    const messages: Message[] = []
    const { tool: tools, usage: usages, error: errors } = this.store.eventsOfTypes(['tool', 'usage', 'error'])
    for (const t of this.store.turns()) {
      const running = this.running?.turn === t.turn
      messages.push({ role: 'user', turn: t.turn, text: t.prompt })
      const calls = tools.get(t.turn)
      const usage = usages.get(t.turn)?.at(-1)
      const error = errors.get(t.turn)?.at(-1)
      const timing = timingOf(t.started, running ? this.store.runningTextTimes() : t)
      messages.push({
        role: 'assistant',
        turn: t.turn,
        text: running ? this.store.runningAnswer() : t.answer,
        stopReason: running ? null : t.stopReason,
        ...(calls && { tools: calls.map((json) => JSON.parse(json) as ToolEvent) }),
        ...(usage && { usage: JSON.parse(usage) as UsageEvent }),
        ...(timing && { timing }),
        ...(error && { error: JSON.parse(error) as ErrorEvent }),
      })
    }
    return {
      id: info.id,
      title: info.title,
      created: info.created,
      updated: info.updated,
      messages,
      running: this.running ? { turn: this.running.turn, lastEventId: this.store.lastEventId() } : null,
    }
  }

  /** Stops a running turn (as Stop does), then deletes everything the conversation stored. */
  async destroy(owner: string): Promise<{ ok: true } | Failure> {
    const info = this.store.info()
    if (!info || info.owner !== owner) return notFound()
    // Whatever turn there is ends first, as a Stop ends it: a running one cancelled, and one still
    // waiting for the upstream's first byte (which would otherwise start after the delete and store
    // the conversation again) as soon as it has started.
    await this.stop(owner)
    this.watchers.closeAll()
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    this.store.migrate()
    return { ok: true }
  }

  /**
   * GET /api/conversations/:id/watch, forwarded by the Worker (routes.ts) with the caller's owner id:
   * a WebSocket that hears of every turn that starts or ends (watchers.ts). Only the owner may watch.
   */
  async fetch(request: Request): Promise<Response> {
    const info = this.store.info()
    const owner = request.headers.get(WATCH_OWNER_HEADER)
    if (!info || !owner || info.owner !== owner) return errorResponse(404, 'not_found', 'No such conversation.')
    const latest = this.store.latestTurn()
    return this.watchers.accept({ type: 'turn', turn: latest?.turn ?? 0, running: this.running !== undefined })
  }

  /** A watcher's message other than the keepalive (which the runtime answers itself): nothing to do. */
  webSocketMessage(): void {}

  /** A watcher left: finish the closing handshake (the page reconnects by itself if it did not mean to leave). */
  webSocketClose(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason)
    } catch {}
  }

  /** Storage figures for tests and benchmarks: write batches so far and bytes stored. */
  stats(): { writes: number; bytes: number; events: number } {
    const info = this.store.info()
    return { writes: info?.writes ?? 0, bytes: info?.bytes ?? 0, events: this.store.lastEventId() }
  }

  /** The heartbeat: keeps the object alive while a turn runs, and ends a turn past its deadline. */
  async alarm(): Promise<void> {
    const run = this.running
    if (!run || run.ended) return
    if (Date.now() >= run.deadline) {
      await this.endEarly(run, 'timeout')
      return
    }
    await this.ctx.storage.setAlarm(Math.min(run.deadline, Date.now() + HEARTBEAT_MS))
  }

  /**
   * Reads the upstream's SSE into the turn, until done, an end, or an abort. Each read's events are
   * recorded one by one, then go to the readers together (one write per reader per read: FanOut.flush).
   * The body is decoded here with a streaming TextDecoder rather than piped through a
   * TextDecoderStream: one stream and its promise per chunk fewer.
   */
  private async pump(run: RunningTurn, body: ReadableStream<Uint8Array>): Promise<void> {
    let sawDone = false
    const parser = createParser({
      onEvent: (message) => {
        if (run.ended || sawDone) return
        const event = toEvent(message)
        if (!event) return
        if (event.type === 'done') {
          sawDone = true
          this.finish(run, (event.data as { stopReason?: StopReason }).stopReason ?? 'end_turn', event.data)
          return
        }
        this.record(run, event.type, event.data, event.json)
      },
      onComment: () => {
        if (!run.ended) this.fanOut.ping()
      },
    })
    const decoder = new TextDecoder()
    const byob = byobReaderOf(body)
    const reader = byob ?? body.getReader()
    let buffer = new ArrayBuffer(READ_BYTES)
    // Between two events a read waits for MIN_FRAME_BYTES (see byobReaderOf); within one, for any byte.
    let betweenEvents = true
    try {
      for (;;) {
        const { done, value } = await (byob
          ? byob.read(new Uint8Array(buffer), { min: betweenEvents ? MIN_FRAME_BYTES : 1 })
          : (reader as ReadableStreamDefaultReader<Uint8Array>).read())
        if (done || !value) break
        if (byob) {
          buffer = value.buffer as ArrayBuffer
          betweenEvents = endsWithBlankLine(value)
        }
        parser.feed(decoder.decode(value, STREAMING))
        // The readers first, then (every FLUSH_EVENTS events) the storage write: it never delays a chunk.
        this.fanOut.flush()
        this.flushIfFull(run)
        if (run.ended) break
      }
      // The protocol counts a last event that lacks its closing blank line.
      if (!run.ended) parser.feed(decoder.decode() + '\n\n')
      this.fanOut.flush()
    } catch {
      // Aborted by stop/timeout (run.ended is already true), or the upstream broke (handled below).
    } finally {
      reader.cancel().catch(() => {})
    }
    if (!run.ended) this.finish(run, 'error', undefined, INTERRUPTED_ERROR)
  }

  /**
   * The conversation's side of a natively relayed turn (NativeRelay): its branch of the upstream body,
   * read lazily, every event stored (batched: one write per read) with the id the upstream gave it and
   * sent to the other readers. The first reader got each event already, from the pipe. The turn ends
   * here, once the body is read to its end: with the upstream's done (already on the first reader's
   * stream), or with the conversation's own error and done, written after what the pipe relayed. An
   * early end (Stop, the deadline, the byte cap) aborts the upstream and wakes this loop, which reads
   * what the upstream sent before it ended: the ids of the conversation's own frames then follow every
   * id the first reader can have seen.
   */
  private async follow(run: RunningTurn, relay: NativeRelay): Promise<void> {
    let done: { data: Record<string, unknown>; json: string; id: number } | undefined
    let badIds = false
    const parser = createParser({
      onEvent: (message) => {
        if (done || badIds) return
        const id = message.id !== undefined && /^\d{1,15}$/.test(message.id) ? Number(message.id) : Number.NaN
        if (!(id > this.store.lastEventId())) {
          // Ids that do not count up: the first reader's ids cannot be trusted, so the turn ends.
          badIds = true
          void this.endEarly(run, 'bad_ids')
          return
        }
        const event = toEvent(message)
        // An event of no known type still used its id: the next ones come after it.
        if (!event) return this.store.skipTo(id + 1)
        if (event.type === 'done') done = { data: event.data, json: event.json, id }
        else this.record(run, event.type, event.data, event.json, id)
      },
      onComment: () => {
        if (!run.ended) this.fanOut.ping()
      },
    })
    const decoder = new TextDecoder()
    try {
      for (;;) {
        // Until the first text event the branch is read as it comes: the turn's first-text time (the
        // first token's time of a reopened answer, and the start of its speed) is then the event's
        // own, where a lazy read could put it up to FLUSH_MS late and a short answer's text in one read.
        const bytes = await relay.next(this.store.runningTextTimes().firstText !== null)
        if (!bytes) break
        parser.feed(decoder.decode(bytes, STREAMING))
        this.fanOut.flush()
        this.flush(run)
        if (done) break
      }
    } catch {
      // The upstream broke, or was aborted by an early end (run.ending says which).
    }
    // The protocol counts a last event that lacks its closing blank line (the first reader's stream gets that blank line: NativeRelay.end).
    if (!done) parser.feed(decoder.decode() + '\n\n')
    // After done the conversation's branch is left as it is, not cancelled: with the first reader's
    // pipe failing later (the reader leaving), both branches cancelled made workerd cancel the
    // upstream body and log "Uncaught Error: Network connection lost." (seen in e2e/chain.test.ts).
    // Nothing follows done, and the body ends right after it.
    if (done) {
      this.finish(run, (done.data as { stopReason?: StopReason }).stopReason ?? 'end_turn', done.data, undefined, { id: done.id, json: done.json })
    } else if (run.ending === 'cancelled') this.finish(run, 'cancelled')
    else if (run.ending === 'timeout') this.finish(run, 'error', undefined, TIMEOUT_ERROR)
    else if (run.ending === 'full') this.finish(run, 'error', undefined, FULL_ERROR)
    else if (run.ending === 'bad_ids') this.finish(run, 'error', undefined, BAD_IDS_ERROR)
    else this.finish(run, 'error', undefined, INTERRUPTED_ERROR)
  }

  /**
   * Adds one event to the running turn: id, pending storage, the readers' queue (the caller flushes
   * both: the pump after each read, or the next send and the flush timer). Enforces the byte cap.
   * `json` is `data` as JSON text on one line.
   */
  private record(run: RunningTurn, type: EventType, data: unknown, json = JSON.stringify(data), id?: number): void {
    if (run.ended) return
    // The byte cap measures the same text the store keeps and replays.
    const bytes = byteLength(json)
    if (type !== 'meta' && this.store.bytes() + bytes > run.maxBytes) {
      void this.endEarly(run, 'full')
      // A natively relayed event past the cap reached the first reader already: it is kept, so that
      // a replay shows what that reader saw (the cap is passed by at most what came since the last read).
      if (!run.native) return
    }
    this.fanOut.queue(this.store.append(run.turn, type, data, json, bytes, id))
    run.flushTimer ??= setTimeout(() => this.flush(run), FLUSH_MS)
  }

  /** Writes the pending events once FLUSH_EVENTS of them wait (the timer writes fewer after FLUSH_MS). */
  private flushIfFull(run: RunningTurn): void {
    if (!run.ended && this.store.pendingCount() >= FLUSH_EVENTS) this.flush(run)
  }

  private flush(run: RunningTurn): void {
    if (run.flushTimer) clearTimeout(run.flushTimer)
    run.flushTimer = undefined
    this.store.flush(run.turn)
  }

  /**
   * Ends the turn: an optional error event, then done, all stored; readers get them and their
   * streams close. `doneData` is the upstream's own done event when it sent one.
   */
  private finish(
    run: RunningTurn,
    stopReason: StopReason,
    doneData?: unknown,
    error?: { code: ErrorCode; message: string; retryable: boolean },
    upstreamDone?: { id: number; json: string },
  ): void {
    if (run.ended) return
    run.ended = true
    clearTimeout(run.timer)
    // What the first reader of a native turn has not got from the pipe: the conversation's own frames.
    let tail = ''
    if (error) {
      const e = this.store.append(run.turn, 'error', error)
      this.fanOut.send(e)
      tail += frameText(e)
    }
    const done = this.store.append(run.turn, 'done', doneData ?? { stopReason }, upstreamDone?.json, undefined, upstreamDone?.id)
    this.fanOut.send(done)
    if (!upstreamDone) tail += frameText(done)
    this.flush(run)
    this.store.endTurn(run.turn, stopReason, Date.now())
    this.fanOut.closeAll()
    if (run.native) void run.native.end(tail)
    run.settle()
    this.watchers.tell({ type: 'turn', turn: run.turn, running: false })
    if (this.running === run) this.running = undefined
    this.ctx.storage.deleteAlarm().catch(() => {})
  }

  /** Stop, the deadline or the byte cap: end the turn now, abort the upstream read and ask the upstream to cancel. */
  private endEarly(run: RunningTurn, why: EarlyEnd): Promise<{ cancelled: boolean }> {
    if (run.ended || run.ending) return Promise.resolve({ cancelled: false })
    const id = this.store.info()?.id
    if (run.native) {
      // The first reader may have got events this object has not read yet (follow reads lazily): the
      // turn ends once they are read, so that the conversation's own frames come after them.
      run.ending = why
      run.native.wake()
      // Stop: the upstream, told to cancel, ends its answer with done (cancelled), which reaches the
      // first reader through the pipe like any event. Aborted instead, the pipe would fail the first
      // reader's stream (workerd errors a pipe's destination when its source fails): that reader
      // would have to resume to see the end. So the abort waits STOP_GRACE_MS for an upstream that
      // does not end. The deadline, the byte cap and bad ids abort at once: the first reader resumes
      // (Last-Event-ID) and gets the error and done from the conversation.
      if (why === 'cancelled') {
        const grace = setTimeout(() => run.upstream.abort(), STOP_GRACE_MS)
        void run.finished.then(() => clearTimeout(grace))
      } else run.upstream.abort()
      const cancelled = id ? this.upstream().cancel(id) : Promise.resolve({ cancelled: false })
      return Promise.all([cancelled, run.finished]).then(([c]) => c)
    }
    if (why === 'cancelled') this.finish(run, 'cancelled')
    else if (why === 'timeout') this.finish(run, 'error', undefined, TIMEOUT_ERROR)
    else this.finish(run, 'error', undefined, FULL_ERROR)
    run.upstream.abort()
    return id ? this.upstream().cancel(id) : Promise.resolve({ cancelled: false })
  }

  /** A turn found running by a fresh instance: it ended with the instance that ran it. */
  private closeInterrupted(turn: TurnRow): void {
    this.store.adoptTurn(turn)
    this.store.append(turn.turn, 'error', { code: 'stream_interrupted', message: 'The answer was cut off when the edge restarted.', retryable: true })
    this.store.append(turn.turn, 'done', { stopReason: 'error' })
    this.store.flush(turn.turn)
    this.store.endTurn(turn.turn, 'error', Date.now())
    this.watchers.tell({ type: 'turn', turn: turn.turn, running: false })
  }

  /** The path to the agent that the Worker's config chose (UPSTREAM_KIND): the same one the routes use. */
  private upstream(): Upstream {
    return upstreamFor(configOf(this.env))
  }

  /** The earlier turns, compact, sent upstream with every turn (see history.ts for why). */
  private history(withoutLatest = false): HistoryMessage[] {
    const turns = this.store.turns()
    return compactHistory(withoutLatest ? turns.slice(0, -1) : turns)
  }
}

/** A turn's stored text times as AnswerTiming; undefined before any text came. */
function timingOf(started: number, times: { firstText: number | null; lastText: number | null }): AnswerTiming | undefined {
  if (times.firstText === null || times.lastText === null) return undefined
  return { firstTextMs: Math.max(0, times.firstText - started), streamedMs: Math.max(0, times.lastText - times.firstText) }
}

const STREAMING: TextDecodeOptions = { stream: true }

const TIMEOUT_ERROR = { code: 'turn_timeout', message: 'The answer took longer than the maximum turn time.', retryable: true } as const
const FULL_ERROR = { code: 'conversation_full', message: 'This conversation holds as much as it may. Start a new conversation.', retryable: false } as const
const INTERRUPTED_ERROR = { code: 'stream_interrupted', message: 'The answer was cut off before it finished.', retryable: true } as const
const BAD_IDS_ERROR = { code: 'upstream_bad_response', message: 'The agent service gave an unexpected answer.', retryable: true } as const

/** The read ended with an empty line (LF LF): an event or comment ended there and no next one has begun. */
function endsWithBlankLine(bytes: Uint8Array): boolean {
  const n = bytes.byteLength
  return n >= 2 && bytes[n - 1] === LF && bytes[n - 2] === LF
}

const LF = 0x0a

/** Bytes asked for per read of the upstream body: more than one upstream write (an event) holds. */
const READ_BYTES = 16 * 1024

/**
 * An upstream event of a known type whose data is a JSON object. `json` is the upstream's own text
 * when it is one line (as the Lambda and the agents send it), so it is stored and relayed without a
 * second JSON.stringify; data of several `data:` lines is serialized again onto one.
 */
function toEvent(message: EventSourceMessage): { type: EventType; data: Record<string, unknown>; json: string } | undefined {
  const type = (message.event ?? 'message') as EventType
  if (!EVENT_TYPES.includes(type)) return undefined
  try {
    const data = JSON.parse(message.data)
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
    return { type, data, json: message.data.includes('\n') ? JSON.stringify(data) : message.data }
  } catch {
    return undefined
  }
}

function fail(status: ErrorStatus, code: ErrorCode, message: string): Failure {
  return { ok: false, status, code, message }
}

function busy(): Failure {
  return fail(409, 'conversation_busy', 'An answer is still running in this conversation: wait for it, resume it, or stop it first.')
}

function notFound(): Failure {
  return fail(404, 'not_found', 'No such conversation.')
}

