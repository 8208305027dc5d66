import type { UsageEvent } from '../../protocol/events'
import prices from '../config/model-prices.json'

export interface PriceTable {
  currency: string
  perTokens: number
  models: Record<string, { input: number; output: number }>
}

/** The price of a model id; a cross-region inference profile id (`us.anthropic…`) costs what its model does. */
export function priceOf(modelId: string | undefined, table: PriceTable = prices): { input: number; output: number } | undefined {
  if (!modelId) return undefined
  return table.models[modelId] ?? table.models[modelId.replace(/^(us|eu|apac|jp|au|ca|us-gov|global)\./, '')]
}

/** The estimated cost of an answer, in the table's currency; undefined when the model has no price or tokens are unknown. */
export function estimateCost(usage: UsageEvent, table: PriceTable = prices): number | undefined {
  const price = priceOf(usage.modelId, table)
  if (!price || usage.inputTokens === undefined || usage.outputTokens === undefined) return undefined
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / table.perTokens
}

/** What the page measures around one answer (performance.now() times, ms). */
export interface AnswerTiming {
  sentAt: number
  firstTextAt?: number
  lastTextAt?: number
  /** The Worker's own part, from its Server-Timing header (`total`). */
  edgeMs?: number
}

export interface AnswerStats {
  ttftMs?: number
  tokensPerSecond?: number
  inputTokens?: number
  outputTokens?: number
  cost?: number
  currency: string
  edgeMs?: number
}

export function answerStats(timing: AnswerTiming, usage: UsageEvent | undefined, table: PriceTable = prices): AnswerStats {
  const ttftMs = timing.firstTextAt !== undefined ? timing.firstTextAt - timing.sentAt : undefined
  const streamedMs = timing.firstTextAt !== undefined && timing.lastTextAt !== undefined ? timing.lastTextAt - timing.firstTextAt : 0
  // Tokens over the time they streamed: the first token's wait is TTFT, counted apart.
  const tokensPerSecond = usage?.outputTokens && streamedMs > 0 ? usage.outputTokens / (streamedMs / 1000) : undefined
  return {
    ttftMs,
    tokensPerSecond,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    cost: usage ? estimateCost(usage, table) : undefined,
    currency: table.currency,
    edgeMs: timing.edgeMs,
  }
}

/** The `total` metric of a Server-Timing header, in ms. */
export function serverTimingTotal(header: string | null): number | undefined {
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';')
    const dur = params.find((p) => p.trim().startsWith('dur='))
    if (name === 'total' && dur) {
      const ms = Number(dur.trim().slice(4))
      if (Number.isFinite(ms)) return ms
    }
  }
  return undefined
}
