import { env } from 'cloudflare:test'
import { inject, describe, expect, it } from 'vitest'
import { newSessionId } from '../../../protocol/request'
import type { IdentifiedEvent } from '../../client/identified-events'
import { marker } from '../../test/upstream-client'
import { collect, readSome, textOf } from '../../test/visitor'

// 200 streams: 20 conversations with 10 readers each, every reader cut at random points and resumed
// until its turn is done. Conversations run four at a time, their answers (the test upstream's
// `paced` scenario) one event every PACE_MS, so cuts and resumes land while the turn runs as well as
// after it ended. The readers talk to the conversation's Durable Object (its real SQLite storage in
// Miniflare) as the routes do, `events(owner, after)`: through SELF.fetch the same run took over a
// minute, most of it waiting for the test Worker's few simultaneous connections, not in the object.
// The routes' own replay (`?after=`, Last-Event-ID) is conversation.test.ts's.
const CONVERSATIONS = 20
const AT_ONCE = 4
const READERS_PER_CONVERSATION = 10
const WORDS = 16
const PACE_MS = 25

// The cut points, cut counts and resume delays come from one seeded generator: a failure names its
// seed, and DISCONNECT_SEED=<seed> npx vitest run --project edge app/server/conversation/disconnect.test.ts
// replays the same cuts (app/test/global-setup.ts provides it).
const SEED = inject('disconnectSeed')

/** mulberry32: a tiny seeded PRNG (Math.random cannot be seeded). */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One reader's plan, drawn up front so the draws do not depend on timing: where it is cut (events read before each cut) and how long it stays away. */
interface Plan {
  cuts: Array<{ after: number; awayMs: number }>
}

function plans(random: () => number): Plan[][] {
  return Array.from({ length: CONVERSATIONS }, () =>
    Array.from({ length: READERS_PER_CONVERSATION }, () => ({
      // 1–3 cuts, each after 1–8 more events; away 0–400 ms (a turn lasts about WORDS × PACE_MS = 400 ms,
      // so some readers come back while it runs and some after it ended).
      cuts: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ after: 1 + Math.floor(random() * 8), awayMs: Math.floor(random() * 400) })),
    })),
  )
}

const stub = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id))

/** A reader's stream from the conversation: its events after `after`, then the live rest (as GET /api/conversations/:id/events serves it). */
async function resume(id: string, owner: string, after: number): Promise<Response> {
  const result = await stub(id).events(owner, after)
  if (!result.ok) throw new Error(result.code)
  return new Response(result.stream)
}

/** One reader: follows its plan (cut, stay away, resume after the last id it saw), then reads to the end. */
async function readWithCuts(id: string, owner: string, first: Response, plan: Plan): Promise<{ events: IdentifiedEvent[]; cuts: number }> {
  const events: IdentifiedEvent[] = []
  let res = first
  let cuts = 0
  for (const cut of plan.cuts) {
    events.push(...(await readSome(res, cut.after)))
    if (events.at(-1)?.type === 'done') return { events, cuts }
    cuts++
    await new Promise((r) => setTimeout(r, cut.awayMs))
    res = await resume(id, owner, events.at(-1)?.id ?? 0)
  }
  events.push(...(await collect(res)))
  return { events, cuts }
}

describe('streams cut at random points and resumed', () => {
  it(`200 readers each get every event exactly once, in order, while the answers run and after they end (seed ${SEED})`, async () => {
    const drawn = plans(seeded(SEED))
    const words = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ')
    const one = async (readerPlans: Plan[]) => {
      const id = newSessionId()
      const owner = `owner-${id}`
      const prompt = `paced:${marker()}:${PACE_MS} ${words}`
      // On a loaded machine a start can miss the 1 s first-byte timeout (a 504, nothing stored): this
      // test is about resuming, so start again.
      const start = () => stub(id).startTurn({ conversationId: id, owner, prompt, create: true, requestId: 'r', maxTurnMs: 60_000, maxBytes: 1_000_000 })
      let started = await start()
      for (let tries = 1; !started.ok && started.status === 504 && tries < 5; tries++) started = await start()
      if (!started.ok) throw new Error(`the turn did not start: ${started.code}`)
      const first = new Response(started.stream)
      const others = await Promise.all(readerPlans.slice(1).map(() => resume(id, owner, 0)))
      const readers = await Promise.all([first, ...others].map((r, i) => readWithCuts(id, owner, r, readerPlans[i])))
      const reference = await collect(await resume(id, owner, 0))
      return { readers, reference }
    }
    const runs = []
    for (let i = 0; i < CONVERSATIONS; i += AT_ONCE) runs.push(...(await Promise.all(drawn.slice(i, i + AT_ONCE).map(one))))

    let streams = 0
    let cuts = 0
    for (const { readers, reference } of runs) {
      // The stored turn: ids counting up by one, the whole answer, done last.
      expect(reference.map((e) => e.id)).toEqual(reference.map((_, i) => reference[0].id! + i))
      expect(textOf(reference)).toBe(words)
      expect(reference.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'end_turn' } })
      // Every reader, whatever its cuts: exactly the stored events, each once, in order.
      for (const r of readers) {
        expect(r.events, `seed ${SEED}`).toEqual(reference)
        streams++
        cuts += r.cuts
      }
    }
    expect(streams).toBe(CONVERSATIONS * READERS_PER_CONVERSATION)
    // Each reader was cut at least once (a cut after 1–8 of ~20 events always lands before done).
    expect(cuts).toBeGreaterThanOrEqual(streams)
  }, 180_000)
})
