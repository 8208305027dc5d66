/** Order statistics and a least-squares slope: the few numbers the report is made of. */

/** The q-quantile (0..1) by linear interpolation between order statistics; NaN for no samples. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export const median = (values: readonly number[]) => quantile(values, 0.5)
export const p99 = (values: readonly number[]) => quantile(values, 0.99)

export interface Summary {
  median: number
  p99: number
  n: number
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), p99: p99(values), n: values.length }
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs)
  const my = mean(ys)
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? NaN : num / den
}

/** a / b, or null when the ratio means nothing (no floor figure, or a floor of zero). */
export function ratio(a: number, b: number): number | null {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : null
}
