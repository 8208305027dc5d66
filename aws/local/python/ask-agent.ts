import { createAgentStreamNormalizer } from '../../lambda/agent-stream'

/**
 * For tests: one invocation of a running agent as the AgentCore emulator sends it (POST /invocations
 * with the session header), read to its end through the Lambda's own normalizer.
 */
export async function askAgent(
  agentUrl: string,
  sessionId: string,
  body: object,
): Promise<{ status: number; text: string; tools: string[]; stopReason?: string; raw: string }> {
  const res = await fetch(`${agentUrl}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-amzn-bedrock-agentcore-runtime-session-id': sessionId },
    body: JSON.stringify(body),
  })
  const bytes = new Uint8Array(await res.arrayBuffer())
  const n = createAgentStreamNormalizer()
  const events = [...n.push(bytes), ...n.end()]
  return {
    status: res.status,
    text: events.flatMap((e) => (e.type === 'text' ? [e.data.text] : [])).join(''),
    tools: events.flatMap((e) => (e.type === 'tool' && e.data.status === 'start' ? [e.data.name] : [])),
    stopReason: n.mapper.stopReason,
    raw: new TextDecoder().decode(bytes),
  }
}
