/**
 * Sizes for one bench run. `full` is what `npm run bench` measures (minutes on 2 cores); `smoke` is
 * the same harness with tiny sizes, for the test suite. BENCH_CONFIG (JSON, deep-merged) overrides
 * any field, e.g. BENCH_CONFIG='{"latency":{"runs":3}}'.
 */
import type { UpstreamKind } from '../protocol/upstream-kinds'
import type { StreamSpec } from './upstream'
import type { VariantName } from './variants'

export interface BenchConfig {
  mode: 'full' | 'smoke'
  variants: VariantName[]
  /** Per-chunk latency and coalescing: `runs` streams per variant, chunks ≥ 5 ms apart. */
  latency: { runs: number; stream: StreamSpec }
  /** Time to first text event: `runs` short streams per variant. */
  ttfb: { runs: number; stream: StreamSpec }
  /** workerd CPU per answer: `batches` of `concurrent` answers of `stream.n` chunks. */
  cpu: { batches: number; concurrent: number; stream: StreamSpec }
  /** One stream of `bytes` as fast as it goes, `runs` times. */
  throughput: { runs: number; bytes: number; eventSize: number }
  /** `levels` concurrent streams; delivery checked, peak memory per stream. */
  concurrency: { levels: number[]; stream: StreamSpec }
  /** The Lambda's normalizer, bundle and module init. */
  lambda: { events: number; rounds: number; inits: number }
  /**
   * The page's renderer: an answer of `bytes` in `chunks` chunks, rendered one chunk per frame and
   * streamed a chunk every `intervalMs`; `before` are git commits whose app/client renderer is
   * measured on the same answer, for comparison.
   */
  page: { chunks: number; bytes: number; runs: number; intervalMs: number; before?: string[] }
  /** What a Worker learns when its client leaves mid-answer: how long to wait for a cancel that may never come. */
  disconnect: { waitMs: number }
  /**
   * The durable path (bench/suites/durable.ts): `reconnects` resumes of a running answer, `storageAnswers`
   * answers of `storageChunks` chunks whose storage writes are counted, `stops` Stops on the local chain
   * with the offline model at `offline`'s pace.
   */
  durable: { reconnects: number; storageAnswers: number; storageChunks: number; stops: number; offline: { firstTokenMs: number; tokensPerSecond: number } }
  /**
   * Parallel chats through the project's Worker (workerd, every turn in its conversation Durable
   * Object), `bursts` identical bursts with `idleMs` of rest after each (bench/suites/load.ts):
   * `chainChats` through the whole local cloud (its Lambda runs one process per chat: LOCAL_LAMBDA_CONCURRENCY),
   * `edgeChats` in front of the synthetic upstream answering as the offline model does. `offline` is
   * the model's pace (aws/agent/config.ts defaults: 300 ms, 40 tokens/s); `timeoutMs` bounds each chat.
   */
  load: { chainChats: number; edgeChats: number; bursts: number; idleMs: number; prompt: string; offline: { firstTokenMs: number; tokensPerSecond: number }; timeoutMs: number }
  /** The streaming paths side by side (bench/suites/paths.ts): `answers` of `words` chunks per path at `tokensPerSecond`; `kinds` picks some. */
  paths: { answers: number; words: number; tokensPerSecond: number; kinds?: UpstreamKind[] }
  /** The resumable designs measured beside the durable path (bench/durable-refs/suite.ts REFERENCES), with its sizes. */
  refs: { references: string[] }
}

export const FULL: BenchConfig = {
  mode: 'full',
  variants: ['direct', 'floor', 'relay-floor', 'reference', 'project'],
  latency: { runs: 6, stream: { n: 200, size: 100, intervalMs: 10 } },
  ttfb: { runs: 40, stream: { n: 1, size: 100, intervalMs: 0 } },
  cpu: { batches: 6, concurrent: 8, stream: { n: 1_000, size: 100, intervalMs: 1 } },
  throughput: { runs: 3, bytes: 20 * 1024 * 1024, eventSize: 16 * 1024 },
  concurrency: { levels: [100, 500, 1_000], stream: { n: 20, size: 100, intervalMs: 100 } },
  lambda: { events: 5_000, rounds: 7, inits: 7 },
  // f99215b: the last commit of the hand-written renderer, before marked's lexer; 205f82d: marked's
  // lexer, the open block rendered anew on every append, before per-frame rendering (issue 12);
  // e0969f5: per-frame rendering every 50 ms, following from its own animation frame.
  page: { chunks: 2_000, bytes: 100_000, runs: 3, intervalMs: 2, before: ['e0969f5', 'f99215b', '205f82d'] },
  disconnect: { waitMs: 2_000 },
  durable: { reconnects: 200, storageAnswers: 5, storageChunks: 1_000, stops: 20, offline: { firstTokenMs: 0, tokensPerSecond: 100 } },
  load: { chainChats: 100, edgeChats: 500, bursts: 3, idleMs: 15_000, prompt: 'Tell me about streams', offline: { firstTokenMs: 300, tokensPerSecond: 40 }, timeoutMs: 180_000 },
  paths: { answers: 5, words: 1_000, tokensPerSecond: 400 },
  refs: { references: ['resumable-stream', 'agents'] },
}

export const SMOKE: BenchConfig = {
  mode: 'smoke',
  variants: ['direct', 'floor', 'relay-floor', 'reference', 'project'],
  latency: { runs: 1, stream: { n: 5, size: 64, intervalMs: 5 } },
  ttfb: { runs: 2, stream: { n: 1, size: 64, intervalMs: 0 } },
  cpu: { batches: 1, concurrent: 2, stream: { n: 10, size: 64, intervalMs: 1 } },
  throughput: { runs: 1, bytes: 64 * 1024, eventSize: 4 * 1024 },
  concurrency: { levels: [5], stream: { n: 3, size: 64, intervalMs: 5 } },
  lambda: { events: 50, rounds: 1, inits: 1 },
  page: { chunks: 40, bytes: 2_000, runs: 1, intervalMs: 2 },
  disconnect: { waitMs: 200 },
  durable: { reconnects: 2, storageAnswers: 1, storageChunks: 20, stops: 1, offline: { firstTokenMs: 0, tokensPerSecond: 100 } },
  load: { chainChats: 3, edgeChats: 5, bursts: 2, idleMs: 100, prompt: 'Tell me about streams', offline: { firstTokenMs: 20, tokensPerSecond: 0 }, timeoutMs: 60_000 },
  paths: { answers: 1, words: 20, tokensPerSecond: 400 },
  refs: { references: ['resumable-stream', 'agents'] },
}

function merge<T>(base: T, patch: unknown): T {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch as T
  const out: any = { ...base }
  for (const [k, v] of Object.entries(patch)) out[k] = merge((base as any)?.[k], v)
  return out
}

export function configFor(mode: 'full' | 'smoke', overrides = process.env.BENCH_CONFIG): BenchConfig {
  const base = mode === 'smoke' ? SMOKE : FULL
  return structuredClone(overrides ? merge(base, JSON.parse(overrides)) : base)
}
