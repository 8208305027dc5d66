/** The references' section of bench/report.md: each design beside the durable path, from the same run. */
import type { DurableFigures } from '../suites/durable'
import type { RefsFigures } from './suite'

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d))

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function refsSection(r: RefsFigures, durable: DurableFigures | undefined): string[] {
  const rows = Object.entries(r.contenders).map(([name, c]) => {
    const ours = name === 'project'
    const resume = ours ? durable?.reconnect : c.resume
    const storage = ours ? durable?.storage : undefined
    return [
      ours ? 'project (the durable path)' : name,
      c.describe,
      f(c.addedLatency.median, 3),
      f(c.addedLatency.p99, 3),
      f(c.cpuMsPerAnswer),
      resume ? `${f(resume.median)} / ${f(resume.p99)}` : '–',
      resume ? `${resume.exact}/${resume.n}` : '–',
      !ours && c.resume ? `${f(c.resume.toMissed.median)} / ${f(c.resume.toMissed.p99)}` : resume ? `${f(resume.median)} / ${f(resume.p99)}` : '–',
      ours ? (storage ? `${f(storage.writesPerAnswer.median, 0)} SQLite write transactions (${storage.chunks} chunks)` : '–') : c.storage ? `${c.storage.writesPerAnswer}: ${c.storage.what} (${c.storage.chunks} chunks)` : '–',
      `${c.intact.answers}/${c.intact.of}`,
    ]
  })
  const out = [
    '## The durable path beside the resumable designs people compare it with',
    '',
    'Measured in the same run as the durable path (bench/durable-refs/), against the same synthetic upstream and the same client: ' +
      "added latency per chunk paired with the direct path in the same rotated rounds (the latency suite's answer); CPU per " +
      `${r.cpuChunks}-chunk answer from each design's own processes (ours and agents: their workerd; resumable-stream: its Node server plus redis-server), so it is the whole design's cost; ` +
      'resume: an answer of 300 chunks 5 ms apart runs, the reader leaves after 2–9 text events and comes back, timed from the resume request (ours: `GET …/events?after=<last id>`, the durable suite\'s reconnect figure of the same run; ' +
      'resumable-stream: `resumeExistingStream(id, skipCharacters)` over HTTP; agents: a new WebSocket to the same agent, which announces `cf_agent_stream_resuming`, the client acks, the agent replays its stored chunks, then the live rest). ' +
      '"exact" counts resumes whose first event was the one after the last seen; "resume → first missed event" is the time until the first event the reader had not seen. ' +
      "Store writes: ours, the conversation's SQLite write transactions; resumable-stream, every Redis command the answer caused (`INFO commandstats`); agents, the SQLite write statements of the agent's object over its whole life (its `ctx.storage.sql.exec` wrapped).",
    '',
    table(
      ['design', 'runs as', 'added latency per chunk, median ms', 'p99 ms', `CPU ms per ${r.cpuChunks}-chunk answer`, 'resume → first event, median / p99 ms', 'exact', 'resume → first missed event, median / p99 ms', 'store writes per answer', 'answers intact'],
      rows,
    ),
  ]
  const notRun = Object.entries(r.notRun)
  if (notRun.length) out.push('', ...notRun.map(([name, why]) => `- ${name}: not run: ${why}`))
  const failed = Object.entries(r.contenders).filter(([, c]) => c.failed)
  if (failed.length) out.push('', ...failed.map(([name, c]) => `- ${name}: measurement failed: ${c.failed}`))
  return out
}
