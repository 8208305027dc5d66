import type { Agent } from 'node:http'
import type { BenchConfig } from './config'
import type { Upstream } from './upstream'
import type { Variant } from './variants'

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
