import type { Agent } from 'node:http'
import { runStream, type StreamResult } from './client'
import type { BenchConfig } from './config'
import type { StreamSpec, Upstream } from './upstream'
import type { Variant, VariantName } from './variants'

/** What every suite gets: the sizes, the running upstream and variants, one client agent. */
export interface BenchContext {
  config: BenchConfig
  upstream: Upstream
  variants: Variant[]
  agent: Agent
  log(message: string): void
}

/** The variants in a different order each round, so slow drift on a shared machine hits all alike. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

export const workerVariants = (ctx: BenchContext) => ctx.variants.filter((v) => v.pid !== undefined)

/**
 * `runs` streams of `spec` through every variant, one at a time, the order rotated each round; with
 * `warmUp`, one stream per variant first (connections, code caches) whose result is dropped.
 */
export async function inRounds(
  ctx: BenchContext,
  runs: number,
  spec: StreamSpec,
  opts: { warmUp: boolean; label: string },
): Promise<Map<VariantName, StreamResult[]>> {
  const results = new Map<VariantName, StreamResult[]>(ctx.variants.map((v) => [v.name, []]))
  if (opts.warmUp) for (const v of ctx.variants) await runStream(v, spec, ctx.agent)
  for (let round = 0; round < runs; round++) {
    for (const v of rotated(ctx.variants, round)) results.get(v.name)!.push(await runStream(v, spec, ctx.agent))
    ctx.log(`${opts.label} round ${round + 1}/${runs}`)
  }
  return results
}
