import { env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { PING, SESSION_HEADER, type ErrorBody } from '../../../protocol/events'
import { newSessionId } from '../../../protocol/request'
import { marker, release, seenWith } from '../../test/upstream-client'
import { collect, collectResuming, readSome, textOf, Visitor } from '../../test/visitor'
import { Conversation, type ConversationView } from './conversation'
import { ConversationStore, FLUSH_EVENTS } from './store'

const stub = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id))
/** A stored answer's timing (conversation.ts AnswerTiming): the conversation's own measures, never negative. */
const TIMING = { firstTextMs: expect.toSatisfy((n: number) => n >= 0), streamedMs: expect.toSatisfy((n: number) => n >= 0) }
/** A turn of an existing conversation as the Worker asks for one (routes.ts invokeTurn), for tests that call the object directly. */
const turnRequest = (conversationId: string, owner: string) => ({
  conversationId,
  owner,
  prompt: '',
  create: false,
  requestId: crypto.randomUUID(),
  maxTurnMs: 60_000,
  maxBytes: 4 * 1024 * 1024,
})
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ')

/**
 * A conversation with one finished turn, then `during` in its Durable Object with an instance of its
 * own on the object's storage, whose first-byte timeout outlasts the test (a `cold-` turn waits for
 * the upstream until the test releases it). Returns the conversation's id.
 */
async function afterOneTurn(during: (conversation: Conversation, owner: string, id: string, store: ConversationStore) => Promise<void>): Promise<string> {
  const v = new Visitor()
  const first = await v.invoke(`answer:${marker()} before`)
  const id = first.headers.get(SESSION_HEADER)!
  await collect(first)
  await runInDurableObject(stub(id), async (_instance, state) => {
    const conversation = new Conversation(state, { ...env, UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '600000' })
    const store = new ConversationStore(state.storage)
    await during(conversation, store.info()!.owner, id, store)
  })
  return id
}

describe('a turn through the conversation', () => {
  it('gives every event an id, in order, starting with meta and ending with done; the conversation id is the session id', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`answer:${m} one two three`)
    expect(res.status).toBe(200)
    const id = res.headers.get(SESSION_HEADER)!
    const events = await collect(res)
    expect(events[0]).toMatchObject({ type: 'meta', id: 1, data: { sessionId: id } })
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'end_turn' } })
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1))
    expect(textOf(events)).toBe('one two three')
    const [seen] = await seenWith(m)
    expect(seen.sessionId).toBe(id)
    // The upstream numbered its events from the id after the conversation's meta (protocol/request.ts firstEventId).
    expect(seen.firstEventId).toBe(2)
  })

  it('an upstream that does not number its events (no X-First-Event-Id) is numbered by the conversation, the same way', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`plain-answer:${m} one two three`)
    const id = res.headers.get(SESSION_HEADER)!
    const events = await collect(res)
    expect(events.map((e) => e.type)).toEqual(['meta', 'meta', 'text', 'text', 'text', 'done'])
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6])
    expect(textOf(events)).toBe('one two three')
    expect((await seenWith(m))[0].firstEventId).toBe(2)
    expect(await collect(await v.events(id, 3))).toEqual(events.slice(3))
  })

  it('the first reader’s events come from the upstream as it numbered them; a reader resuming ahead of what the conversation has read waits for the rest, once each', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`gated:${m} so far rest more`)
    const id = res.headers.get(SESSION_HEADER)!
    await release(m)
    const first = await readSome(res, 4) // meta 1, the upstream's meta 2, "so" 3, " far" 4
    expect(first.map((e) => e.id)).toEqual([1, 2, 3, 4])
    // Resumes after 4 (what the first reader saw: the conversation may not have read it yet) and
    // after 5 (an event the upstream has not sent yet).
    const atFour = collect(await v.events(id, 4))
    const atFive = collect(await v.events(id, 5))
    for (let i = 0; i < 3; i++) await release(m)
    const [four, five] = await Promise.all([atFour, atFive])
    expect(four.map((e) => e.id)).toEqual([5, 6, 7])
    expect(textOf(four)).toBe(' rest more')
    expect(five.map((e) => e.id)).toEqual([6, 7])
    expect(five.map((e) => e.type)).toEqual(['text', 'done'])
    // What every reader got is what the conversation stored.
    expect(await collect(await v.events(id, 0))).toEqual([...first, ...four])
  })

  it('sets the anonymous identity as a signed, HttpOnly, Secure, SameSite=Lax cookie', async () => {
    const v = new Visitor()
    const res = await v.fetch('/api/conversations')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('eac_owner='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(await res.json()).toEqual({ conversations: [] })
  })

  it('relays a heartbeat that comes alone before anything follows it (a read never waits for a later frame)', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`pinged:${m} a b`)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    // The upstream sends nothing after the heartbeat until the release below: held back, it would never arrive.
    while (!text.includes(PING)) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    expect(text).toContain(PING)
    expect(text).not.toContain('event: text')
    await release(m)
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    expect(text.slice(text.indexOf(PING))).toMatch(/^: ping[^\n]*\n\nid: \d+\nevent: text\ndata: \{"text":"a"\}\n\nid: \d+\nevent: text\ndata: \{"text":" b"\}\n\nid: \d+\nevent: done\n/)
  })

  it('replays from any event id: after=k gives exactly the events after k, with Last-Event-ID too', async () => {
    const v = new Visitor()
    const res = await v.invoke(`answer:${marker()} ${words(12)}`)
    const id = res.headers.get(SESSION_HEADER)!
    const all = await collect(res)
    for (let k = 0; k <= all.length; k++) {
      expect(await collect(await v.events(id, k))).toEqual(all.slice(k))
    }
    const viaHeader = await collect(await v.events(id, undefined, { 'last-event-id': String(all[4].id) }))
    expect(viaHeader).toEqual(all.slice(5))
    const bad = await v.events(id, undefined, { 'last-event-id': 'x1' })
    expect(bad.status).toBe(400)
    expect((await bad.json<ErrorBody>()).error.code).toBe('invalid_request')
  })

  it('a disconnect is not a Stop: the answer runs on without readers, and a resume gets the rest once, in order', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`gated:${m} a b c d e`)
    const id = res.headers.get(SESSION_HEADER)!
    await release(m)
    const first = await readSome(res, 3) // meta, the upstream's meta, text a
    expect(first.map((e) => e.type)).toEqual(['meta', 'meta', 'text'])
    for (let i = 0; i < 5; i++) await release(m)
    await expect.poll(async () => (await seenWith(m))[0]?.ended).toBe(true)
    const [seen] = await seenWith(m)
    expect(seen.aborted).toBe(false)
    const rest = await collect(await v.events(id, first.at(-1)!.id))
    const all = [...first, ...rest]
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1))
    expect(textOf(all)).toBe('a b c d e')
    expect(all.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'end_turn' } })
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages).toEqual([
      { role: 'user', turn: 1, text: `gated:${m} a b c d e` },
      { role: 'assistant', turn: 1, text: 'a b c d e', stopReason: 'end_turn', timing: TIMING },
    ])
    expect(view.running).toBeNull()
  })

  it('GET /api/conversations/:id of a running turn: the answer so far (stopReason null) and running.lastEventId, the id to resume after', async () => {
    const v = new Visitor()
    const m = marker()
    // plain-: the conversation numbers the events as it reads each one, so its view is as far as the
    // reader (a natively relayed turn's view may lag by a read: see the test above).
    const res = await v.invoke(`plain-gated:${m} so far rest`)
    const id = res.headers.get(SESSION_HEADER)!
    await release(m)
    const first = await readSome(res, 4) // meta, the upstream's meta, "so", " far"
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.running).toEqual({ turn: 1, lastEventId: first.at(-1)!.id })
    expect(view.messages[1]).toEqual({ role: 'assistant', turn: 1, text: 'so far', stopReason: null, timing: TIMING })
    // Resuming after it gives the rest and nothing of what the view already had.
    const rest = collect(await v.events(id, view.running!.lastEventId))
    await release(m)
    const after = await rest
    expect(after[0].id).toBe(view.running!.lastEventId + 1)
    expect(textOf(after)).toBe(' rest')
  })

  it('fans out: two readers of a running turn see the same events as it grows', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`gated:${m} x y z`)
    const id = res.headers.get(SESSION_HEADER)!
    const second = await v.events(id)
    const both = Promise.all([collect(res), collect(second)])
    for (let i = 0; i < 4; i++) await release(m)
    const [a, b] = await both
    expect(a).toEqual(b)
    expect(textOf(a)).toBe('x y z')
    expect(a.at(-1)?.type).toBe('done')
  })

  it('a second turn while one runs is a 409 and never reaches the upstream', async () => {
    const v = new Visitor()
    const m = marker()
    const res = await v.invoke(`gated:${m} p q`)
    const id = res.headers.get(SESSION_HEADER)!
    const m2 = marker()
    const second = await v.invoke(`answer:${m2}`, id)
    expect(second.status).toBe(409)
    expect((await second.json<ErrorBody>()).error.code).toBe('conversation_busy')
    expect(await seenWith(m2)).toEqual([])
    for (let i = 0; i < 3; i++) await release(m)
    await collect(res)
    const third = await v.invoke(`answer:${m2} next`, id)
    expect(third.status).toBe(200)
    expect(textOf(await collect(third))).toBe('next')
  })

  it('Stop ends the running turn cancelled: the upstream, told to cancel, ends its answer with done, which the first reader gets in its stream', async () => {
    const v = new Visitor()
    const m = marker()
    // gated: the first word goes at once, each later one waits for a release (none comes).
    const res = await v.invoke(`gated:${m} kept lost`)
    const id = res.headers.get(SESSION_HEADER)!
    const reading = collect(res)
    await expect.poll(async () => (await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()).messages[1]?.text).toBe('kept')
    const stop = await v.stop(id)
    expect(await stop.json()).toEqual({ stopped: true, upstreamCancelled: true })
    const events = await reading
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'cancelled' } })
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1))
    expect(textOf(events)).toBe('kept')
    const seen = await seenWith(id)
    expect(seen.filter((r) => r.path === '/v1/cancel').map((r) => r.sessionId)).toEqual([id])
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toEqual({ role: 'assistant', turn: 1, text: 'kept', stopReason: 'cancelled', timing: TIMING })
    expect(view.running).toBeNull()
    expect(await collect(await v.events(id, 0))).toEqual(events)
    expect(await (await v.stop(id)).json()).toEqual({ stopped: false })
  })

  it('Stop of a turn the conversation numbers ends it cancelled at once, aborts the upstream read, calls the upstream cancel and keeps the partial answer', async () => {
    const v = new Visitor()
    const m = marker()
    // gated: the first word goes at once, each later one waits for a release (none comes).
    const res = await v.invoke(`plain-gated:${m} kept lost`)
    const id = res.headers.get(SESSION_HEADER)!
    const reading = collect(res)
    await expect.poll(async () => (await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()).messages[1]?.text).toBe('kept')
    const stop = await v.stop(id)
    expect(await stop.json()).toEqual({ stopped: true, upstreamCancelled: true })
    const events = await reading
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'cancelled' } })
    expect(textOf(events)).toBe('kept')
    await expect.poll(async () => (await seenWith(id)).some((r) => r.path === '/v1/invoke' && r.aborted)).toBe(true)
    const seen = await seenWith(id)
    expect(seen.filter((r) => r.path === '/v1/cancel').map((r) => r.sessionId)).toEqual([id])
    expect(seen.find((r) => r.path === '/v1/invoke')?.aborted).toBe(true)
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toEqual({ role: 'assistant', turn: 1, text: 'kept', stopReason: 'cancelled', timing: TIMING })
    expect(await (await v.stop(id)).json()).toEqual({ stopped: false })
  })

  it('Stop while the turn waits for the upstream’s first byte (a cold start) ends it cancelled once it starts: the agent is told, the first reader gets done, nothing is lost', async () => {
    const m = marker()
    const id = await afterOneTurn(async (conversation, owner, id) => {
      // cold-gated: the upstream's response waits for the first release; its words then wait for more (none come).
      const starting = conversation.startTurn({ ...turnRequest(id, owner), prompt: `cold-gated:${m} kept lost` })
      // The turn is waiting for the upstream's first byte: the Stop comes in the middle of that wait.
      const stopping = conversation.stop(owner)
      await release(m)
      const started = await starting
      if (!started.ok) throw new Error(`the turn did not start: ${started.code}`)
      expect(await stopping).toEqual({ ok: true, stopped: true, upstreamCancelled: true })
      const events = await collect(new Response(started.stream))
      expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'cancelled' } })
      expect(textOf(events)).toBe('kept')
      expect(conversation.view(owner)).toMatchObject({ running: null, messages: [{}, { stopReason: 'end_turn' }, {}, { text: 'kept', stopReason: 'cancelled' }] })
    })
    expect((await seenWith(id)).filter((r) => r.path === '/v1/cancel').map((r) => r.sessionId)).toEqual([id])
  })

  it('DELETE while the turn waits for the upstream’s first byte stops the turn once it starts, then deletes everything: the conversation does not come back', async () => {
    const m = marker()
    const id = await afterOneTurn(async (conversation, owner, id, store) => {
      const starting = conversation.startTurn({ ...turnRequest(id, owner), prompt: `cold-gated:${m} kept lost` })
      const deleting = conversation.destroy(owner)
      await release(m)
      const started = await starting
      if (!started.ok) throw new Error(`the turn did not start: ${started.code}`)
      expect(await deleting).toEqual({ ok: true })
      expect(conversation.view(owner)).toMatchObject({ ok: false, status: 404 })
      expect(store.info()).toBeUndefined()
      expect((await collect(new Response(started.stream))).at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'cancelled' } })
    })
    expect((await seenWith(id)).filter((r) => r.path === '/v1/cancel').map((r) => r.sessionId)).toEqual([id])
  })

  it('Stop while the turn waits for an upstream that then refuses it (503): nothing was running, and the Stop says so', async () => {
    await afterOneTurn(async (conversation, owner, id) => {
      const starting = conversation.startTurn({ ...turnRequest(id, owner), prompt: `status503:${marker()}` })
      const stopping = conversation.stop(owner)
      expect(await starting).toMatchObject({ ok: false, status: 503, code: 'agent_unavailable' })
      expect(await stopping).toEqual({ ok: true, stopped: false })
      expect(conversation.view(owner)).toMatchObject({ running: null, messages: [{}, { stopReason: 'end_turn' }] })
    })
  })

  it('keeps its state in the Durable Object’s own SQLite database (wrangler.toml new_sqlite_classes)', async () => {
    const v = new Visitor()
    const res = await v.invoke(`answer:${marker()} stored`)
    const id = res.headers.get(SESSION_HEADER)!
    await collect(res)
    await runInDurableObject(stub(id), (_instance, state) => {
      const tables = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((r) => r.name)
      expect(tables).toEqual(expect.arrayContaining(['conversation', 'events', 'turns']))
      expect(state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n).toBeGreaterThan(0)
      expect(state.storage.sql.databaseSize).toBeGreaterThan(0)
    })
  })

  it('stores events in batches: far fewer writes than events, and every event is there', async () => {
    const v = new Visitor()
    const res = await v.invoke(`answer:${marker()} ${words(300)}`)
    const id = res.headers.get(SESSION_HEADER)!
    const events = await collect(res)
    expect(events.length).toBe(303) // meta, the upstream's meta, 300 texts, done
    const stats = await stub(id).stats()
    expect(stats.events).toBe(303)
    // One write for the turn's row, one for its end, and one per batch of at most FLUSH_EVENTS events
    // (a batch also closes when the flush timer fires first, so allow each event burst one extra).
    expect(stats.writes).toBeLessThanOrEqual(2 + Math.ceil(303 / FLUSH_EVENTS) * 2)
    expect(await collect(await v.events(id, 0))).toEqual(events)
  })

  it('keeps an answer’s tool calls: GET /api/conversations/:id gives each assistant message its tool events (name, input, status, result) in order', async () => {
    const v = new Visitor()
    const first = await v.invoke(`tool:${marker()} six times seven`)
    const id = first.headers.get(SESSION_HEADER)!
    const live = (await collect(first)).filter((e) => e.type === 'tool').map((e) => e.data)
    expect(live).toHaveLength(2)
    await collect(await v.invoke(`answer:${marker()} no tools here`, id))
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toEqual({
      role: 'assistant',
      turn: 1,
      text: 'six times seven',
      stopReason: 'end_turn',
      timing: TIMING,
      tools: [
        { name: 'calculator', status: 'start', id: 't1', input: { expression: '6 * 7' } },
        { name: 'calculator', status: 'end', id: 't1', result: '{"result":"42"}' },
      ],
    })
    // Exactly what streamed live, and nothing on an answer that called no tool.
    expect(view.messages[1].tools).toEqual(live)
    expect(view.messages[3]).toEqual({ role: 'assistant', turn: 2, text: 'no tools here', stopReason: 'end_turn', timing: TIMING })
  })

  it('keeps an answer’s usage and timing: GET /api/conversations/:id gives each assistant message its usage event and when its text came', async () => {
    const v = new Visitor()
    // paced: a word every 50 ms, then the usage event (3 in, 3 out) and done. plain-: the conversation
    // reads each event as it comes (a natively relayed turn's are read in batches of up to FLUSH_MS,
    // so its text times are as fine as that).
    const res = await v.invoke(`plain-paced:${marker()}:50 one two three`)
    const id = res.headers.get(SESSION_HEADER)!
    const live = (await collect(res)).filter((e) => e.type === 'usage').map((e) => e.data)
    expect(live).toEqual([{ inputTokens: 3, outputTokens: 3 }])
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    const answer = view.messages[1]
    expect(answer).toMatchObject({ role: 'assistant', text: 'one two three', usage: live[0], timing: TIMING })
    // The first and last words came 100 ms apart, in separate reads: a span the page turns into tokens per second.
    expect(answer.timing!.streamedMs).toBeGreaterThan(0)
  })

  it('a natively relayed turn keeps its text times too: the first text is read as it comes, so a reopened answer has a first token and a speed', async () => {
    const v = new Visitor()
    const res = await v.invoke(`paced:${marker()}:50 one two three`)
    const id = res.headers.get(SESSION_HEADER)!
    await collect(res)
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toMatchObject({ text: 'one two three', usage: { inputTokens: 3, outputTokens: 3 }, timing: TIMING })
    expect(view.messages[1].timing!.streamedMs).toBeGreaterThan(0)
  })

  it('an upstream that breaks mid-event ends a natively relayed turn with stream_interrupted: the first reader’s stream drops after what it got, its resume gets the error and done', async () => {
    const v = new Visitor()
    // break: a word, then half an event, then the upstream's connection breaks.
    const res = await v.invoke(`break:${marker()}`)
    const id = res.headers.get(SESSION_HEADER)!
    const { first, resumed } = await collectResuming(v, id, res)
    expect(textOf(first)).toBe('partial')
    expect(first.map((e) => e.type)).not.toContain('done')
    expect(resumed.map((e) => e.type)).toEqual(['error', 'done'])
    expect(resumed[0].data).toMatchObject({ code: 'stream_interrupted', retryable: true })
    // The half event used id 4 (the upstream numbered it) and is dropped by every reader, as its JSON is cut: the next id is 5.
    expect([...first, ...resumed].map((e) => e.id)).toEqual([1, 2, 3, 5, 6])
    expect(await collect(await v.events(id, 0))).toEqual([...first, ...resumed])
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toMatchObject({ text: 'partial', stopReason: 'error', error: resumed[0].data })
  })

  it('an upstream whose ids do not count up ends the turn with upstream_bad_response, nothing stored twice', async () => {
    const v = new Visitor()
    const res = await v.invoke(`badids:${marker()} one two three`)
    const id = res.headers.get(SESSION_HEADER)!
    await collectResuming(v, id, res)
    const stored = await collect(await v.events(id, 0))
    expect(stored.map((e) => e.type)).toEqual(['meta', 'meta', 'text', 'error', 'done'])
    expect(stored.at(-2)!.data).toMatchObject({ code: 'upstream_bad_response' })
    expect(stored.map((e) => e.id)).toEqual([1, 2, 3, 4, 5])
  })

  it('keeps why an answer failed: GET /api/conversations/:id gives its error event, as it streamed', async () => {
    const v = new Visitor()
    // break: a word, then the upstream's connection breaks mid-event. plain-: the conversation reads
    // each event (no native relay), so the error reaches the first reader's own stream.
    const res = await v.invoke(`plain-break:${marker()}`)
    const id = res.headers.get(SESSION_HEADER)!
    const live = (await collect(res)).filter((e) => e.type === 'error').map((e) => e.data)
    expect(live).toEqual([expect.objectContaining({ code: 'stream_interrupted', retryable: true })])
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages[1]).toMatchObject({ text: 'partial', stopReason: 'error', error: live[0] })
  })

  it('a turn left running by an instance that is gone (a restart) ends as an error, keeping its partial answer and timing', async () => {
    const v = new Visitor()
    const res = await v.invoke(`answer:${marker()} first`)
    const id = res.headers.get(SESSION_HEADER)!
    await collect(res)
    await runInDurableObject(stub(id), (_instance, state) => {
      // What a running turn's instance had flushed when it went away.
      const store = new ConversationStore(state.storage)
      const turn = store.startTurn('cut off', 1_000, 900)
      store.append(turn, 'text', { text: 'partial ' })
      store.append(turn, 'text', { text: 'answer' })
      store.flush(turn)
      // A fresh instance on the same storage finds it running.
      new Conversation(state, env)
      const after = new ConversationStore(state.storage).latestTurn()!
      expect(after).toMatchObject({ turn, status: 'done', stopReason: 'error', answer: 'partial answer', started: 900 })
      expect(after.firstText).not.toBeNull()
      expect(after.lastText).toBeGreaterThanOrEqual(after.firstText!)
    })
  })

  it('a database stored before the text times gets their columns, and its old answers show no timing', async () => {
    const id = newSessionId()
    await runInDurableObject(stub(id), (_instance, state) => {
      const sql = state.storage.sql
      sql.exec('DROP TABLE turns')
      sql.exec(`CREATE TABLE turns (
        turn INTEGER PRIMARY KEY, prompt TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
        stop_reason TEXT, first_event INTEGER NOT NULL, last_event INTEGER NOT NULL, started INTEGER NOT NULL, ended INTEGER)`)
      sql.exec("INSERT INTO turns VALUES (1, 'old', 'old answer', 'done', 'end_turn', 1, 2, 100, 200)")
      const store = new ConversationStore(state.storage)
      expect(store.latestTurn()).toMatchObject({ answer: 'old answer', firstText: null, lastText: null })
    })
  })

  it('an edit of the first and only prompt retitles the conversation (its view and the list); an edit of a later one does not', async () => {
    const v = new Visitor()
    const replace = (prompt: string, replaces: string, sessionId: string) =>
      v.fetch('/api/invoke', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, replaces, sessionId }) })
    const titles = async (id: string) => {
      const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
      const list = await (await v.fetch('/api/conversations')).json<{ conversations: Array<{ id: string; title: string }> }>()
      return [view.title, list.conversations.find((c) => c.id === id)?.title]
    }
    const first = `answer:${marker()} one`
    const res = await v.invoke(first)
    const id = res.headers.get(SESSION_HEADER)!
    await collect(res)
    const edited = `answer:${marker()} the edited first prompt`
    await collect(await replace(edited, first, id))
    await expect.poll(() => titles(id)).toEqual([edited, edited])

    await collect(await v.invoke(`answer:${marker()} two`, id))
    const [second] = (await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()).messages.slice(2)
    await collect(await replace(`answer:${marker()} the second, edited`, second.text, id))
    const view = await (await v.fetch(`/api/conversations/${id}`)).json<ConversationView>()
    expect(view.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([edited, expect.stringContaining('the second, edited')])
    expect(await titles(id)).toEqual([edited, edited])
  })

  it('sends the earlier turns upstream (compact history) and the owner as userId', async () => {
    const v = new Visitor()
    const m1 = marker()
    const first = await v.invoke(`answer:${m1} first answer`)
    const id = first.headers.get(SESSION_HEADER)!
    await collect(first)
    const m2 = marker()
    await collect(await v.invoke(`answer:${m2} second`, id))
    const [one] = await seenWith(m1)
    const [two] = await seenWith(m2)
    const body1 = JSON.parse(one.body)
    const body2 = JSON.parse(two.body)
    expect(body1.history).toBeUndefined()
    expect(body2.history).toEqual([
      { role: 'user', text: `answer:${m1} first answer` },
      { role: 'assistant', text: 'first answer' },
    ])
    expect(body2.userId).toMatch(/^anon_[0-9a-f-]{36}$/)
    expect(body2.userId).toBe(body1.userId)
  })
})

describe('limits of a conversation', () => {
  const turn = (id: string, prompt: string, over: Partial<{ maxTurnMs: number; maxBytes: number; create: boolean; owner: string }> = {}) =>
    stub(id).startTurn({
      conversationId: id,
      owner: over.owner ?? 'owner-limits',
      prompt,
      create: over.create ?? true,
      requestId: 'r',
      maxTurnMs: over.maxTurnMs ?? 60_000,
      maxBytes: over.maxBytes ?? 1_000_000,
    })

  it('ends a natively relayed turn at the maximum turn time: its first reader’s stream drops, a resume gets turn_timeout and done', async () => {
    const id = newSessionId()
    const m = marker()
    const result = await turn(id, `forever:${m}`, { maxTurnMs: 400 })
    if (!result.ok) throw new Error(result.code)
    const first = await collect(new Response(result.stream)).catch(() => [])
    expect(first.map((e) => e.type)).not.toContain('done')
    const rest = await collect(new Response(((await stub(id).events('owner-limits', first.at(-1)?.id ?? 0)) as { stream: ReadableStream }).stream))
    expect(rest.at(-2)).toMatchObject({ type: 'error', data: { code: 'turn_timeout' } })
    expect(rest.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'error' } })
    const all = [...first, ...rest]
    // Ids count up, each once; an event the abort cut in half keeps its id unused (no reader shows it).
    expect(all.every((e, i) => i === 0 || e.id! > all[i - 1].id!)).toBe(true)
    await expect.poll(async () => (await seenWith(id)).some((r) => r.path === '/v1/cancel')).toBe(true)
  })

  it('ends a turn at the maximum turn time, readers or not, and tells the upstream to cancel', async () => {
    const id = newSessionId()
    const m = marker()
    const result = await turn(id, `plain-forever:${m}`, { maxTurnMs: 400 })
    if (!result.ok) throw new Error(result.code)
    const events = await collect(new Response(result.stream))
    expect(events.at(-2)).toMatchObject({ type: 'error', data: { code: 'turn_timeout' } })
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'error' } })
    await expect.poll(async () => (await seenWith(id)).some((r) => r.path === '/v1/cancel')).toBe(true)
  })

  it('ends a natively relayed turn past the byte cap with conversation_full, keeping what its first reader got past the cap', async () => {
    const id = newSessionId()
    // paced: a word every 20 ms, so the answer is still running when the conversation reads past the cap.
    const result = await turn(id, `paced:${marker()}:20 ${words(100)}`, { maxBytes: 600 })
    if (!result.ok) throw new Error(result.code)
    const first = await collect(new Response(result.stream)).catch(() => [])
    const all = await collect(new Response(((await stub(id).events('owner-limits', 0)) as { stream: ReadableStream }).stream))
    // Every event the first reader got is stored (a replay shows what it saw), then the error and done.
    expect(all.slice(0, first.length)).toEqual(first)
    expect(all.at(-2)).toMatchObject({ type: 'error', data: { code: 'conversation_full' } })
    expect(all.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'error' } })
    // Ids count up, each once; an event the abort cut in half keeps its id unused (no reader shows it).
    expect(all.every((e, i) => i === 0 || e.id! > all[i - 1].id!)).toBe(true)
    expect(await turn(id, `answer:${marker()} more`, { maxBytes: 600, create: false })).toMatchObject({ ok: false, status: 413, code: 'conversation_full' })
  })

  it('ends a turn that would pass the byte cap with conversation_full, and refuses the next turn with a 413', async () => {
    const id = newSessionId()
    const result = await turn(id, `plain-answer:${marker()} ${words(100)}`, { maxBytes: 600 })
    if (!result.ok) throw new Error(result.code)
    const events = await collect(new Response(result.stream))
    expect(events.at(-2)).toMatchObject({ type: 'error', data: { code: 'conversation_full' } })
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'error' } })
    const m = marker()
    const before = await stub(id).view('owner-limits')
    const next = await turn(id, `answer:${m} more`, { maxBytes: 600, create: false })
    expect(next).toMatchObject({ ok: false, status: 413, code: 'conversation_full' })
    expect(await seenWith(m)).toEqual([])
    // Nothing half-written: the refused turn left no trace.
    expect(await stub(id).view('owner-limits')).toEqual(before)
  })

  it('a conversation that does not exist, or is another owner’s, is not found and never reaches the upstream', async () => {
    const m = marker()
    expect(await turn(newSessionId(), `answer:${m}`, { create: false })).toMatchObject({ ok: false, status: 404 })
    const id = newSessionId()
    const mine = await turn(id, `answer:${marker()}`)
    if (mine.ok) await collect(new Response(mine.stream))
    expect(await turn(id, `answer:${m}`, { create: false, owner: 'someone-else' })).toMatchObject({ ok: false, status: 404 })
    expect(await seenWith(m)).toEqual([])
  })
})
