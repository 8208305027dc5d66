import { SELF } from 'cloudflare:test'
import { readIdentifiedEvents, type IdentifiedEvent } from '../client/identified-events'

/**
 * A client of the edge app in tests: keeps the cookies the Worker sets (its anonymous identity) and
 * sends them back, like a browser; `headers` go with every request (a JWT, say).
 */
export class Visitor {
  readonly cookies = new Map<string, string>()
  constructor(readonly headers: Record<string, string> = {}) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    for (const [k, v] of Object.entries(this.headers)) headers.set(k, v)
    if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', `10.9.${rnd()}.${rnd()}`)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await SELF.fetch(`http://edge.test${path}`, { ...init, headers })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(eq + 1).trim())
    }
    return res
  }

  invoke(prompt: string, sessionId?: string): Promise<Response> {
    return this.fetch('/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sessionId ? { prompt, sessionId } : { prompt }),
    })
  }

  events(id: string, after?: number, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetch(`/api/conversations/${id}/events${after !== undefined ? `?after=${after}` : ''}`, { headers })
  }

  stop(id: string): Promise<Response> {
    return this.fetch(`/api/conversations/${id}/stop`, { method: 'POST' })
  }
}

const rnd = () => Math.floor(Math.random() * 250)

/** Every event of a body, with ids. */
export async function collect(res: Response): Promise<IdentifiedEvent[]> {
  const out: IdentifiedEvent[] = []
  for await (const e of readIdentifiedEvents(res.body!)) out.push(e)
  return out
}

/**
 * Every event of a body, then, when it ended without done (a drop), of a resume after its last id, as
 * the page follows a turn (app/client/follow-turn.ts): `first` what the body gave, `resumed` the rest.
 */
export async function collectResuming(v: Visitor, id: string, res: Response): Promise<{ first: IdentifiedEvent[]; resumed: IdentifiedEvent[] }> {
  const first: IdentifiedEvent[] = []
  try {
    for await (const e of readIdentifiedEvents(res.body!)) first.push(e)
  } catch {
    // A broken body is a drop like a body that ends without done.
  }
  if (first.at(-1)?.type === 'done') return { first, resumed: [] }
  return { first, resumed: await collect(await v.events(id, first.at(-1)?.id ?? 0)) }
}

/** Reads events until `count` arrived, then cancels the body (the client goes away). */
export async function readSome(res: Response, count: number): Promise<IdentifiedEvent[]> {
  const out: IdentifiedEvent[] = []
  const abort = new AbortController()
  for await (const e of readIdentifiedEvents(res.body!, abort.signal)) {
    out.push(e)
    if (out.length >= count) {
      abort.abort()
      break
    }
  }
  return out
}

export const textOf = (events: IdentifiedEvent[]) =>
  events
    .filter((e) => e.type === 'text')
    .map((e) => (e.data as { text: string }).text)
    .join('')
