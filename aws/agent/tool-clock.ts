import { tool } from '@strands-agents/sdk'
import { z } from 'zod'

/**
 * The time in an IANA time zone, from the machine's clock through Intl (no network). `now` is the
 * clock, so tests can fix it.
 */
export function timeIn(timeZone: string, now: Date = new Date()): { timeZone: string; iso: string; local: string } {
  let local: string
  try {
    local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(now)
  } catch {
    throw new Error(`unknown time zone "${timeZone}" (use an IANA name such as Asia/Tokyo or Europe/London)`)
  }
  return { timeZone, iso: now.toISOString(), local }
}

export function createClockTool(now: () => Date = () => new Date()) {
  return tool({
    name: 'current_time',
    description: 'Tells the current date and time in a time zone. Use it whenever the answer depends on the current time.',
    inputSchema: z.object({ timeZone: z.string().min(1).max(64).describe('An IANA time zone, e.g. Asia/Tokyo, Europe/London, UTC') }),
    callback: ({ timeZone }) => timeIn(timeZone, now()),
  })
}
