import { createParser } from 'eventsource-parser'
import { expect } from 'vitest'
import type { HistoryMessage } from '../../protocol/request'
import type { LocalCloud } from './cloud'

/**
 * For tests: one turn as the edge sends it upstream (app/server/conversation/conversation.ts) to a local
 * cloud; checks it ended `end_turn` and resolves with the answer's text.
 */
export async function upstreamTurn(
  cloud: Pick<LocalCloud, 'workerFetch' | 'invokeUrl'>,
  body: { prompt: string; sessionId: string; userId?: string; history?: HistoryMessage[] },
): Promise<string> {
  const res = await cloud.workerFetch(cloud.invokeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  const events: Array<{ type: string; data: { text?: string; stopReason?: string } }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(await res.text())
  expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  return events
    .filter((e) => e.type === 'text')
    .map((e) => e.data.text)
    .join('')
}
