import { contextChoices, type ContextKey } from './config'

/**
 * Choices that set a property's value without changing which resources exist: left at their default
 * when enumerating stacks (each synthesis takes seconds).
 */
export const PROPERTY_ONLY_CHOICES: readonly ContextKey[] = ['quotaPeriod']

/**
 * Every stack the app can synthesize, as the context that selects it: each combination of the
 * context choices (config.ts contextChoices), property-only choices aside. cdk-nag
 * (nag.test.ts) and cfn-lint (.ci/lint-templates) check each one.
 */
export function stackCombinations(): Array<Record<string, unknown>> {
  let combos: Array<Record<string, unknown>> = [{}]
  for (const [key, values] of Object.entries(contextChoices())) {
    if (PROPERTY_ONLY_CHOICES.includes(key as ContextKey)) continue
    combos = combos.flatMap((c) => values!.map((v) => ({ ...c, [key]: v })))
  }
  return combos
}

/** A directory-safe name for a combination: `apiAccessLogs-true_wafWebAcl-false`. */
export function combinationName(context: Record<string, unknown>): string {
  return Object.entries(context).map(([k, v]) => `${k}-${String(v)}`).join('_') || 'defaults'
}
