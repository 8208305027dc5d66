/** What the references suite (suite.ts) needs of each resumable design it measures beside the durable path. */
import type { StreamResult } from '../client'
import type { StreamSpec } from '../upstream'

export interface Reference {
  name: string
  /** Package versions and where it runs, for the report. */
  describe: string
  /** The processes whose CPU is this design's (its server, its Redis…). */
  pids: number[]
  /** One answer of `spec` from the synthetic upstream, read as the latency and cpu suites read the Worker variants. */
  stream(spec: StreamSpec): Promise<StreamResult>
  /**
   * An answer of `spec` runs; its reader leaves after `seen` text events and comes back: the time
   * from the resume request to its first event, and whether that event was the one after the last
   * seen; `replayedFromStart`: the design replays the whole answer, not what the reader missed.
   * The answer is then stopped (or cancelled at the upstream when the design has no Stop).
   */
  resume(spec: StreamSpec, seen: number): Promise<{ ms: number; exact: boolean; toMissedMs: number }>
  /** Writes to its store for one answer of `spec`: a count and what was counted. */
  storage(spec: StreamSpec): Promise<{ writes: number; what: string }>
  stop(): Promise<void>
}
