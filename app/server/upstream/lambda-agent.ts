import type { EdgeConfig } from '../config'
import { restUpstream } from './rest'
import type { Upstream } from './types'

/**
 * The agent inside a streaming Lambda behind its own REST API (no AgentCore): opening an answer is
 * the REST path's request (`POST …/invoke`, SigV4 for execute-api and the API key) to that API's
 * URL. The body carries `history` (the Conversation object sends it with every turn): it is the
 * agent's only memory, since an execution environment keeps nothing the next invocation can count on.
 *
 * Cancel sends nothing: the agent runs inside the invocation that answers, and a cancel request would
 * run in another execution environment. Stopping is aborting the answer's stream (the Conversation
 * object does that before it calls `cancel`), which the Lambda sees when its response connection
 * breaks (aws/lambda-agent/answer.ts).
 */
export function lambdaAgentUpstream(config: EdgeConfig): Upstream {
  const rest = restUpstream(config, 'lambda-agent')
  return {
    kind: 'lambda-agent',
    open: rest.open,
    cancel: async () => ({ status: 0, cancelled: false, method: 'close_stream' }),
  }
}
