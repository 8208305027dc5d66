/**
 * `npm run synth:combinations -- <dir>`: the stacks cdk-nag checks (combinations.ts: every
 * combination of the context choices, every subset of the streaming paths, every path with every
 * value of every choice that changes resources), each into `<dir>/<combination>/`, with cdk.json's context and without bundling the Lambda (the
 * templates are what is checked). Prints each template's path, one a line: .ci/lint-templates hands
 * them to cfn-lint.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { App } from 'aws-cdk-lib'
import { addEdgeAgentChat } from './app'
import { combinationName, pathCombinations, stackCombinations } from './combinations'
import { PROJECT_PATHS } from './paths'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: npm run synth:combinations -- <output directory>')
  process.exit(2)
}
const cdkJson = JSON.parse(readFileSync(join(PROJECT_PATHS.root, 'cdk.json'), 'utf8'))
for (const context of [...stackCombinations(), ...pathCombinations()]) {
  const outdir = resolve(dir, combinationName(context))
  mkdirSync(outdir, { recursive: true })
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } })
  const stack = addEdgeAgentChat(app)
  app.synth()
  console.log(join(outdir, stack.templateFile))
}
