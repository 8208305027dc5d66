/**
 * The paths suite's cost model and report (bench/cost-model.ts, bench/suites/paths.ts renderPaths).
 * The measured half runs in `npm run bench -- --only=paths`; the paths themselves end to end in
 * e2e/chain.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { ANSWER, costPerMillion, PRICES } from '../cost-model'
import { renderPaths, type PathFigures } from './paths'

describe('the cost model per million answers', () => {
  it('adds up the stated answer from the published prices', () => {
    const rest = costPerMillion('rest', 20)
    // Lambda: $0.20 per million requests + 20 s × 0.5 GB × $0.0000133334 per GB-s, a million times.
    expect(rest.lambda).toBeCloseTo(0.2 + 1e6 * 20 * 0.5 * 0.0000133334, 6)
    // AgentCore: 2 s of a vCPU and 20 s of 2 GB, a million times.
    expect(rest.agentCore).toBeCloseTo(1e6 * ((2 / 3600) * 0.0895 + (20 / 3600) * 2 * 0.00945), 6)
    expect(rest.worker).toBeCloseTo(0.3 + 20 * 0.02, 6)
    expect(rest.transfer).toBeCloseTo(25 * 0.09, 6)
    expect(rest.apiGateway).toEqual([3.5, 3.5])
    expect(rest.total[0]).toBeCloseTo(rest.worker + rest.apiGateway[0] + rest.lambda + rest.agentCore + rest.transfer, 6)
  })

  it('lambda-agent has no AgentCore, and a stopped answer keeps billing its Lambda time and model tokens in AWS', () => {
    const agent = costPerMillion('lambda-agent', 20)
    const rest = costPerMillion('rest', 20)
    expect(agent.agentCore).toBe(0)
    expect(agent.total[0]).toBeCloseTo(rest.total[0] - rest.agentCore, 6)
    const modelPerMillion = ANSWER.outputTokens * PRICES.modelOutput.usd
    expect(agent.afterStop.usd[1]).toBeCloseTo(agent.lambda - PRICES.lambdaRequest.usd + modelPerMillion, 6)
    expect(rest.afterStop.usd[1]).toBeLessThan(10)
  })

  it('websocket bills a message per post (1000 ms to 50 ms flushes: 23 to 347 messages for the stated answer) and three invocations of its function', () => {
    const ws = costPerMillion('websocket', 20)
    const rest = costPerMillion('rest', 20)
    expect(ws.apiGateway[0]).toBeCloseTo(0.25 + 23 * 1.0, 6)
    expect(ws.apiGateway[1]).toBeCloseTo(0.25 + 347 * 1.0, 6)
    expect(ws.lambda).toBeCloseTo(rest.lambda + 2 * PRICES.lambdaRequest.usd, 6)
    expect(ws.total[1]).toBeGreaterThan(rest.total[1] + 300)
  })

  it('every price names its source and the date it was read', () => {
    for (const p of Object.values(PRICES)) {
      expect(p.source).toMatch(/\.(com|co\.uk)\//)
      expect(p.read).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })
})

it('renders one row per measured path and one cost row per path', () => {
  const s = { median: 1, p99: 1, n: 1 }
  const figures: PathFigures = {
    words: 20,
    tokensPerSecond: 400,
    rows: [{ kind: 'lambda-agent', answers: 1, textChunks: s, ttftMs: s, addedPerChunkMs: s, workerCpuPer1000Ms: s, lambdaInvocations: s, agentCoreInvocations: { ...s, median: 0 } }],
    answerStated: 'an answer',
    costs: [costPerMillion('rest', 20), costPerMillion('lambda-agent', 20)],
    prices: PRICES,
  }
  const md = renderPaths(figures).join('\n')
  expect(md).toContain('| lambda-agent | 1 | 1 | 1.00 | 1 | 1 | 0 | — |')
  expect(md).toMatch(/\| rest \| \$0\.70 \| \$3\.50 \| \$134 \| \$155 \| \$2\.25 \| \$295 \|/)
  expect(md).toMatch(/\| lambda-agent \| .* \| \$0\.00 \| .* \| \$140 \|/)
})
