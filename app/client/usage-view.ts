import type { Strings } from '../i18n/en'
import { fill } from '../i18n/format'
import { append } from './dom'
import type { AnswerStats } from './usage'

/**
 * One line under an answer: time to first token, tokens per second, input and output tokens, the
 * estimated cost and the Worker's own time. A figure that is unknown is left out, not shown as 0.
 */
export function renderUsage(doc: Document, stats: AnswerStats, strings: Strings, locale: string): HTMLElement {
  const number = (n: number, digits = 0) => n.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })
  const parts: Array<[string, string]> = []
  if (stats.ttftMs !== undefined) parts.push(['ttft', fill(strings.usageFirstToken, { s: number(stats.ttftMs / 1000, 2) })])
  if (stats.tokensPerSecond !== undefined) parts.push(['speed', fill(strings.usageSpeed, { n: number(stats.tokensPerSecond, 1) })])
  if (stats.inputTokens !== undefined && stats.outputTokens !== undefined) {
    parts.push(['tokens', fill(strings.usageTokens, { in: number(stats.inputTokens), out: number(stats.outputTokens) })])
  }
  if (stats.cost !== undefined) {
    const cost = stats.cost.toLocaleString(locale, { style: 'currency', currency: stats.currency, maximumSignificantDigits: 3 })
    parts.push(['cost', fill(strings.usageCost, { cost })])
  }
  if (stats.edgeMs !== undefined) parts.push(['edge', fill(strings.usageEdge, { ms: number(stats.edgeMs, 1) })])
  const line = doc.createElement('p')
  line.className = 'usage'
  parts.forEach(([kind, text], i) => {
    if (i > 0) append(line, ' · ')
    const span = doc.createElement('span')
    span.className = `usage-${kind}`
    span.textContent = text
    append(line, span)
  })
  return line
}
