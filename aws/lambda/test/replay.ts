/**
 * Replays an agent's response body through the Lambda's normalizer (aws/lambda/agent-stream.ts), whole
 * and cut into pieces in many ways: a stream arrives in whatever chunks the network makes, and every
 * way must give the same events. Test support.
 */
import { expect } from 'vitest'
import type { StreamEvent } from '../../../protocol/events'
import { createAgentStreamNormalizer } from '../agent-stream'

export interface Normalized {
  events: StreamEvent[]
  stopReason: string | undefined
  failed: boolean
  /** Shapes the normalizer did not know (reported, never their content). */
  skipped: string[]
}

export function normalize(chunks: Uint8Array[]): Normalized {
  const skipped: string[] = []
  const n = createAgentStreamNormalizer((shape) => skipped.push(shape))
  const events: StreamEvent[] = []
  for (const c of chunks) events.push(...n.push(c))
  events.push(...n.end())
  return { events, stopReason: n.mapper.stopReason, failed: n.mapper.failed, skipped }
}

/**
 * Whole, in single bytes, in 7-byte pieces and split in two at `splits` places (every byte position
 * when the body is shorter): every way must agree. Returns the events of the whole body.
 */
export function normalizeEveryWay(bytes: Uint8Array, splits = 64): Normalized {
  const whole = normalize([bytes])
  expect(normalize(Array.from(bytes, (b) => Uint8Array.of(b))), 'single bytes').toEqual(whole)
  const sevens: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += 7) sevens.push(bytes.subarray(i, i + 7))
  expect(normalize(sevens), '7-byte pieces').toEqual(whole)
  const cuts = bytes.length - 1 <= splits ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1) : Array.from({ length: splits }, (_, k) => Math.floor((bytes.length * (k + 1)) / (splits + 1)))
  for (const at of cuts) expect(normalize([bytes.subarray(0, at), bytes.subarray(at)]), `split at byte ${at}`).toEqual(whole)
  return whole
}

export const textOf = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.data.text] : [])).join('')
