/**
 * The ways the Worker can reach the agent (issue 13; README "Choosing a path"), named alike in the
 * Worker's `UPSTREAM_KIND`, `npm run dev -- --upstream <kind>`, the CDK context and the benchmarks:
 * - `rest`: API Gateway REST API, response streaming, API key (the default)
 * - `function-url`: a Lambda Function URL in RESPONSE_STREAM mode, AWS_IAM auth (SigV4)
 * - `invoke-stream`: Lambda's InvokeWithResponseStream API, SigV4, event-stream frames
 * - `websocket`: an API Gateway WebSocket API whose Lambda posts the events to the connection
 * - `lambda-agent`: the agent itself inside a streaming Lambda behind a REST API (no AgentCore)
 */
export const UPSTREAM_KINDS = ['rest', 'function-url', 'invoke-stream', 'websocket', 'lambda-agent'] as const
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number]

export function isUpstreamKind(value: unknown): value is UpstreamKind {
  return typeof value === 'string' && (UPSTREAM_KINDS as readonly string[]).includes(value)
}
