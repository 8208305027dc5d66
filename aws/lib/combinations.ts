import { contextChoices, DEFAULT_MODEL_ID, DEPLOYABLE_PATHS, type ContextKey, type DeployablePath } from './config'

/**
 * Choices that set a property's value without changing which resources exist: left at their default
 * when enumerating stacks (each synthesis takes seconds).
 */
export const PROPERTY_ONLY_CHOICES: readonly ContextKey[] = ['quotaPeriod']

/**
 * Free-form keys (any string or number) whose values fall into a few classes that change the stack's
 * resources or policies, one value standing for each class, the default first. Every other free-form
 * key sets a property's value only (a name, a limit, an environment variable).
 * - modelId: a cross-region inference profile (the default) makes the roles name the model in every
 *   region, a wildcard cdk-nag reports (acknowledged: agent-runtime.ts, lambda-agent-path.ts); a plain
 *   foundation model id names one ARN in the stack's region (model-arns.ts).
 */
export const VALUE_CLASSES: Partial<Record<ContextKey, readonly unknown[]>> = {
  modelId: [DEFAULT_MODEL_ID, 'amazon.nova-lite-v1:0'],
}

/** The choices that change which resources and policies exist: config.ts contextChoices (property-only ones aside) and VALUE_CLASSES. */
export function resourceChoices(): Array<[ContextKey, readonly unknown[]]> {
  const finite = Object.entries(contextChoices()).filter(([k]) => !PROPERTY_ONLY_CHOICES.includes(k as ContextKey)) as Array<[ContextKey, readonly unknown[]]>
  return [...finite, ...(Object.entries(VALUE_CLASSES) as Array<[ContextKey, readonly unknown[]]>)]
}

/**
 * Every combination of the context choices (config.ts contextChoices, property-only choices aside),
 * as the context that selects it, with the default paths. cdk-nag (nag.test.ts) and cfn-lint
 * (.ci/lint-templates) check each one, and the ones of {@link pathCombinations}.
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
  return Object.entries(context).map(([k, v]) => `${k}-${String(v).replace(/[^A-Za-z0-9.,_-]/g, '-')}`).join('_') || 'defaults'
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
 * The stacks checked besides `stackCombinations()` (the choices on the default path), so that every
 * path meets every value of every choice of {@link resourceChoices} while the number of syntheses
 * stays small (the full product is 31 subsets × 2^4 choices, ~500 stacks at seconds each):
 * - each subset of two or more paths with the choices that add resources to a path's API switched on
 *   (stage logs, WAF): what the paths share (the account-level logging role, the cancel function,
 *   the WebSocket stage's logs riding on the REST path's role) meets the most of the others;
 * - each path alone with the n-th value of every choice, for every n (all first values: logs and WAF
 *   on, the TypeScript agent, the default model; then all second ones): a choice's effect on that
 *   path's own resources.
 * nag.test.ts checks that every (path, choice value) pair occurs.
 */
export function pathCombinations(): Array<Record<string, unknown>> {
  const choices = resourceChoices()
  const width = Math.max(...choices.map(([, values]) => values.length))
  const shared = pathSubsets()
    .filter((p) => p.length > 1)
    .map((p) => ({ paths: p.join(','), apiAccessLogs: true, wafWebAcl: true }))
  const alone = DEPLOYABLE_PATHS.flatMap((path) =>
    Array.from({ length: width }, (_, n) => ({ paths: path, ...Object.fromEntries(choices.map(([k, values]) => [k, values[n % values.length]])) })),
  )
  return [...alone, ...shared]
}
