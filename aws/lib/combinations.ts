import { contextChoices, DEPLOYABLE_PATHS, type ContextKey, type DeployablePath } from './config'

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

/**
 * Every non-empty subset of the deployable paths (`-c paths=...`), in config.ts's order: the CDK
 * tests (streaming-paths.test.ts) and cdk-nag (nag.test.ts) run over each, so a path added to
 * DEPLOYABLE_PATHS is covered without further ado.
 */
export function pathSubsets(paths: readonly DeployablePath[] = DEPLOYABLE_PATHS): DeployablePath[][] {
  return Array.from({ length: 2 ** paths.length - 1 }, (_, n) => paths.filter((_, i) => (n + 1) & (1 << i)))
}

/**
 * A stack per subset of the paths, with the choices that add resources to a path's API switched on
 * (stage logs, WAF): what cdk-nag (nag.test.ts) and cfn-lint (synth-combinations.ts) check besides
 * `stackCombinations()`, whose choices run with the default paths.
 */
export function pathCombinations(): Array<Record<string, unknown>> {
  return pathSubsets().map((p) => ({ paths: p.join(','), apiAccessLogs: true, wafWebAcl: true }))
}
