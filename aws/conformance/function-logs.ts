/**
 * How many times a deployed function ran, read from its CloudWatch log group: Lambda writes one
 * `START RequestId: <id>` line per invocation whatever the handler does (Lambda developer guide,
 * monitoring-cloudwatchlogs: the platform's START, END and REPORT lines), so an invocation the
 * documentation does not describe shows up too. Log delivery lags by seconds, so the window is read
 * again until every START has its REPORT and nothing new arrived for `settleMs`.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs'

export interface Invocations {
  /** The request ids of the invocations that started in the window, in order. */
  requestIds: string[]
  /** How many of them have finished (a REPORT line). */
  reported: number
}

const START = /^START RequestId: ([0-9a-f-]{36})/
const REPORT = /^REPORT RequestId: ([0-9a-f-]{36})/

/** Reads the window's START and REPORT lines once (every page). */
export async function readInvocations(client: CloudWatchLogsClient, logGroupName: string, fromMs: number, toMs: number): Promise<Invocations> {
  const events: FilteredLogEvent[] = []
  let nextToken: string | undefined
  do {
    const page = await client.send(
      new FilterLogEventsCommand({ logGroupName, startTime: Math.floor(fromMs), endTime: Math.ceil(toMs), filterPattern: '?START ?REPORT', nextToken }),
    )
    events.push(...(page.events ?? []))
    nextToken = page.nextToken
  } while (nextToken)
  events.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
  const requestIds = events.flatMap((e) => START.exec(e.message ?? '')?.[1] ?? [])
  const reports = new Set(events.flatMap((e) => REPORT.exec(e.message ?? '')?.[1] ?? []))
  return { requestIds, reported: requestIds.filter((id) => reports.has(id)).length }
}

/** Polls until the window's invocations have all reported and the count held for `settleMs`, or `timeoutMs`. */
export async function settledInvocations(
  read: () => Promise<Invocations>,
  opts: { settleMs?: number; timeoutMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<Invocations & { settled: boolean }> {
  const settleMs = opts.settleMs ?? 10_000
  const timeoutMs = opts.timeoutMs ?? 90_000
  const sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
  const now = opts.now ?? Date.now
  const started = now()
  let last = await read()
  let stableSince = now()
  while (now() - started < timeoutMs) {
    if (last.requestIds.length > 0 && last.reported === last.requestIds.length && now() - stableSince >= settleMs) return { ...last, settled: true }
    await sleep(2_000)
    const next = await read()
    if (next.requestIds.length !== last.requestIds.length || next.reported !== last.reported) stableSince = now()
    last = next
  }
  return { ...last, settled: false }
}
