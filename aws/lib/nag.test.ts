/**
 * cdk-nag's AwsSolutions pack (the checks AWS users run on a CDK app before deploying it) on the
 * stacks the app can synthesize: each combination of the context choices (config.ts contextChoices),
 * each subset of the streaming paths (`-c paths=...`, combinations.ts pathSubsets, from the one list
 * config.ts DEPLOYABLE_PATHS), and each path with every value of every choice that changes resources
 * (combinations.ts pathCombinations says why not the full product). Every finding is fixed or
 * acknowledged in code with its reason (aws/lib/nag.ts); none may remain.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { afterAll, describe, expect, it } from 'vitest'
import { addEdgeAgentChat } from './app'
import { pathCombinations, pathSubsets, PROPERTY_ONLY_CHOICES, resourceChoices, stackCombinations } from './combinations'
import { contextChoices, DEPLOYABLE_PATHS, readConfig, type ContextKey, type EdgeAgentChatConfig } from './config'
import { PROJECT_PATHS } from './paths'

const cdkJson = JSON.parse(readFileSync(join(PROJECT_PATHS.root, 'cdk.json'), 'utf8'))

interface Violation {
  ruleName: string
  violatingConstructs: Array<{ constructPath: string }>
}

const outdirs: string[] = []
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true })
})

/** Synthesizes with the AwsSolutions checks; returns what they report, and the app for a look at its metadata. */
function nag(context: Record<string, unknown>): { violations: Violation[]; app: App } {
  const outdir = mkdtempSync(join(tmpdir(), 'edge-agent-chat-nag-'))
  outdirs.push(outdir)
  // No Lambda bundling: cdk-nag reads the template, not the code.
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } })
  addEdgeAgentChat(app)
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  let failure: unknown
  try {
    app.synth()
  } catch (err) {
    failure = err
  }
  const report = join(outdir, 'validation-report.json')
  if (!existsSync(report)) {
    if (failure) throw failure
    return { violations: [], app }
  }
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations: Violation[] }> }
  return { violations: parsed.pluginReports.flatMap((r) => r.violations), app }
}

const readable = (vs: Violation[]) => vs.map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)

describe('cdk-nag AwsSolutions', () => {
  const combos = stackCombinations()

  it('covers every combination of the context choices', () => {
    expect(combos.length).toBe(
      Object.entries(contextChoices())
        .filter(([k]) => !PROPERTY_ONLY_CHOICES.includes(k as ContextKey))
        .reduce((n, [, values]) => n * values!.length, 1),
    )
    expect(combos).toContainEqual(expect.objectContaining({ apiAccessLogs: false, wafWebAcl: true }))
  })

  it('enumerates the choices bin/app.ts reads from the context: paths aside, every key that takes one of a few values', () => {
    // Evidence for the list, not its source: config.ts's schema is (a choice added there is enumerated
    // at once); this names today's, so a reader sees what the combinations are made of.
    expect(Object.keys(contextChoices())).toEqual(['agent', 'quotaPeriod', 'apiAccessLogs', 'wafWebAcl'])
    expect(resourceChoices().map(([k]) => k)).toEqual(['agent', 'apiAccessLogs', 'wafWebAcl', 'modelId'])
  })

  // The context choices above run with the default paths (rest); the path combinations add every
  // subset of paths, and each path with every value of every choice.
  const paths = pathCombinations() as Array<{ paths: string }>
  const effective = (context: Record<string, unknown>): EdgeAgentChatConfig =>
    readConfig({ tryGetContext: (k) => ({ ...cdkJson.context, ...context })[k] })

  it('covers every subset of the deployable paths', () => {
    const subsets = new Set(paths.map((c) => effective(c).paths.join(',')))
    expect([...subsets].sort()).toEqual(pathSubsets().map((p) => p.join(',')).sort())
  })

  it('covers every path with every value of every choice that changes resources', () => {
    const configs = [...combos, ...paths].map(effective)
    const missing = DEPLOYABLE_PATHS.flatMap((path) =>
      resourceChoices().flatMap(([key, values]) =>
        values
          .filter((v) => !configs.some((c) => c.paths.includes(path) && c[key as keyof EdgeAgentChatConfig] === v))
          .map((v) => `${path} with ${key}=${String(v)}`),
      ),
    )
    expect(missing).toEqual([])
  })

  it.each([...combos, ...paths].map((c) => [JSON.stringify(c), c]))('finds nothing unacknowledged with %s', (_, context) => {
    const { violations, app } = nag(context)
    expect(readable(violations)).toEqual([])

    // Acknowledged one finding at a time (an IAM5 wildcard by its resource, never the whole rule),
    // each with its reason and the evidence it rests on (an AWS documentation page, named).
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
    expect(acknowledged.length).toBeGreaterThan(0)
    for (const [id, reason] of acknowledged) {
      expect(id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+/)
      if (id.includes('IAM5')) expect(id).toMatch(/IAM5\[Resource::.+\]$/)
      expect(reason, id).toMatch(/\.html/)
    }
  })
})
