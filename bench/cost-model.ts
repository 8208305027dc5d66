/**
 * The cost of a million answers of a stated size on each streaming path, on paper: AWS's and
 * Cloudflare's published prices (us-east-1, on-demand), each with its source and the date it was
 * read. Model tokens are the same on every path and left out of the totals; they come back in what a
 * stopped answer keeps billing (`afterStop`). A client that leaves without Stop costs the whole answer
 * on every path: the Conversation object keeps the turn running for a reconnect (README Conversations). bench/suites/paths.ts prints it beside the measured
 * figures; README "Choosing a path" quotes it.
 */
import type { UpstreamKind } from '../protocol/upstream-kinds'

export interface Price {
  item: string
  usd: number
  per: string
  source: string
  /** When the price was read (ISO date). */
  read: string
}

const READ = '2026-12-01'
export const PRICES = {
  workerRequest: { item: 'Cloudflare Workers request (Paid plan, $5/month base)', usd: 0.3, per: 'million requests', source: 'developers.cloudflare.com/workers/platform/pricing', read: READ },
  workerCpu: { item: 'Cloudflare Workers CPU time', usd: 0.02, per: 'million CPU-ms', source: 'developers.cloudflare.com/workers/platform/pricing', read: READ },
  restRequest: { item: 'API Gateway REST API request (first 333 M/month)', usd: 3.5, per: 'million requests', source: 'aws.amazon.com/api-gateway/pricing', read: READ },
  wsMessage: { item: 'API Gateway WebSocket message (32 KB units)', usd: 1.0, per: 'million messages', source: 'aws.amazon.com/api-gateway/pricing', read: READ },
  wsMinute: { item: 'API Gateway WebSocket connection minute', usd: 0.25, per: 'million connection-minutes', source: 'aws.amazon.com/api-gateway/pricing', read: READ },
  lambdaRequest: { item: 'Lambda request', usd: 0.2, per: 'million requests', source: 'aws.amazon.com/lambda/pricing', read: READ },
  lambdaGbSecond: { item: 'Lambda duration, arm64', usd: 0.0000133334, per: 'GB-second', source: 'aws.amazon.com/lambda/pricing', read: READ },
  agentCoreVcpuHour: { item: 'AgentCore Runtime CPU (active only)', usd: 0.0895, per: 'vCPU-hour', source: 'aws.amazon.com/bedrock/agentcore/pricing (via elliot-digital.co.uk/cloud/bedrock-agentcore, 2026-05-03)', read: READ },
  agentCoreGbHour: { item: 'AgentCore Runtime memory', usd: 0.00945, per: 'GB-hour', source: 'aws.amazon.com/bedrock/agentcore/pricing (via elliot-digital.co.uk/cloud/bedrock-agentcore, 2026-05-03)', read: READ },
  transferOut: { item: 'Data transfer out to the internet', usd: 0.09, per: 'GB', source: 'aws.amazon.com/api-gateway/pricing', read: READ },
  modelOutput: { item: 'Claude Haiku 4.5 on Bedrock, output tokens (global endpoint; regional +10%)', usd: 5, per: 'million tokens', source: 'clauder-navi.com/en/bedrock-claude-cost (Bedrock pricing quoted)', read: READ },
} as const satisfies Record<string, Price>

/** The answer the figures are for. */
export const ANSWER = {
  outputTokens: 1_000,
  seconds: 20,
  wireKB: 25,
  lambdaGB: 0.5,
  agentCoreActiveCpuSeconds: 2,
  agentCoreGB: 2,
  /**
   * WebSocket: messages per answer, PostToConnection posts plus the `invoke` message in, from WS_FLUSH_MS
   * 1000 to the default 50: 22 and 346 posts measured for a 20 s answer (bench/websocket-coalescing-20s.md;
   * the time bound sets the count, the 8 KB size bound is never reached by 25 KB over 20 s).
   */
  wsMessages: [23, 347] as const,
  /** WebSocket: its function's invocations per answer ($connect, invoke, $disconnect; counted by bench/suites/paths.ts). */
  wsLambdaRequests: 3,
} as const

export const ANSWER_STATED =
  `1 prompt; ~${ANSWER.outputTokens.toLocaleString('en')} output tokens streamed over ${ANSWER.seconds} s; ~${ANSWER.wireKB} KB of SSE on the wire; ` +
  `each Lambda ${ANSWER.lambdaGB * 1024} MB arm64 running the whole ${ANSWER.seconds} s; AgentCore 1 vCPU / ${ANSWER.agentCoreGB} GB, ` +
  `${ANSWER.agentCoreActiveCpuSeconds} s of active CPU and ${ANSWER.seconds} s of memory`

export interface PathCost {
  kind: UpstreamKind
  worker: number
  apiGateway: [number, number]
  lambda: number
  agentCore: number
  transfer: number
  total: [number, number]
  /** What an answer stopped at its first token still costs per million such answers, and why. */
  afterStop: { usd: [number, number]; what: string }
}

const M = 1_000_000

/**
 * Per million answers. `workerCpuMs` is the Worker's CPU per answer (the native pipe's ~20 ms per
 * 1,000 chunks, bench/profile.md; more where JavaScript touches each chunk).
 */
export function costPerMillion(kind: UpstreamKind, workerCpuMs: number): PathCost {
  const p = PRICES
  const worker = p.workerRequest.usd + (workerCpuMs * M * p.workerCpu.usd) / M
  const lambda = p.lambdaRequest.usd + M * ANSWER.seconds * ANSWER.lambdaGB * p.lambdaGbSecond.usd
  const agentCore = M * ((ANSWER.agentCoreActiveCpuSeconds / 3600) * p.agentCoreVcpuHour.usd + ((ANSWER.seconds / 3600) * ANSWER.agentCoreGB) * p.agentCoreGbHour.usd)
  const transfer = ((M * ANSWER.wireKB) / 1e6) * p.transferOut.usd
  const model = (ANSWER.outputTokens / M) * p.modelOutput.usd * M
  let apiGateway: [number, number] = [0, 0]
  let withAgentCore = agentCore
  let lambdas = lambda
  let afterStop: PathCost['afterStop']
  switch (kind) {
    case 'rest':
    case 'function-url':
    case 'invoke-stream':
      if (kind === 'rest') apiGateway = [p.restRequest.usd, p.restRequest.usd]
      // The Worker cancels at once; the cancel is one more Lambda request (and a REST request on rest).
      afterStop = { usd: [p.lambdaRequest.usd + apiGateway[0], p.lambdaRequest.usd + apiGateway[0]], what: 'the cancel request; the proxy, AgentCore and the model stop within milliseconds' }
      break
    case 'websocket':
      apiGateway = [p.wsMinute.usd * 1 + p.wsMessage.usd * ANSWER.wsMessages[0], p.wsMinute.usd * 1 + p.wsMessage.usd * ANSWER.wsMessages[1]]
      lambdas = lambda + (ANSWER.wsLambdaRequests - 1) * p.lambdaRequest.usd
      afterStop = { usd: [p.lambdaRequest.usd, p.lambdaRequest.usd], what: 'the $disconnect or cancel route; the posting Lambda stops on the cancel or on PostToConnection’s GoneException' }
      break
    case 'lambda-agent':
      apiGateway = [p.restRequest.usd, p.restRequest.usd]
      withAgentCore = 0
      // No cancel request can reach the running invocation; in AWS its stream is not closed either
      // (aws-lambda-nodejs-runtime-interface-client#145): the Lambda and the model run to the end.
      lambdas = lambda
      afterStop = { usd: [0, lambda - p.lambdaRequest.usd + model], what: 'locally the closed stream stops the agent ($0); in AWS nothing is known to reach it: the rest of the Lambda duration and every model token of the answer' }
      break
  }
  const fixed = worker + lambdas + withAgentCore + transfer
  return {
    kind,
    worker,
    apiGateway,
    lambda: lambdas,
    agentCore: withAgentCore,
    transfer,
    total: [fixed + apiGateway[0], fixed + apiGateway[1]],
    afterStop,
  }
}
