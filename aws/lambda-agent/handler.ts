/**
 * The `lambda-agent` path: the agent itself inside a response-streaming Lambda, no AgentCore (README
 * "Choosing a path"). `POST /invoke` (a REST proxy event through API Gateway; a Function URL event or
 * a direct invocation's payload would do too: aws/lambda/incoming.ts) streams the answer as the
 * project's events. There is no cancel request: closing the stream stops the agent (./answer.ts).
 * Build: aws/lambda-agent/build.ts (dist/index.mjs, export `handler`).
 */
import type { Context } from 'aws-lambda'
import type { Writable } from 'node:stream'
import type { Model } from '@strands-agents/sdk'
import { maxUpstreamBodyBytes, newSessionId, validateUpstreamInvoke } from '../../protocol/request'
import { createModel } from '../agent/agent-factory'
import { incoming } from '../lambda/incoming'
import { createLogger } from '../lambda/log'
import { requestFailures } from '../lambda/response'
import { streamAnswer } from './answer'
import { ConfigError, parseLambdaAgentConfig, type LambdaAgentConfig } from './config'

const baseLog = createLogger({ fn: process.env.AWS_LAMBDA_FUNCTION_NAME })

/** The configuration and the model, made once per execution environment (the model holds a client, not a conversation). */
let loaded: { config: LambdaAgentConfig; model: Model } | { error: ConfigError } | undefined
function load(): { config: LambdaAgentConfig; model: Model } {
  if (!loaded) {
    try {
      const config = parseLambdaAgentConfig(process.env)
      loaded = { config, model: createModel(config.agent) }
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      loaded = { error: err }
    }
  }
  if ('error' in loaded) throw loaded.error
  return loaded
}

async function handle(event: unknown, responseStream: Writable, context: Context): Promise<void> {
  const log = baseLog.with({ requestId: context.awsRequestId })
  const request = incoming(event)
  const { transport } = request
  const inBand = transport === 'raw'
  const { failWith, refuse } = requestFailures(responseStream, request, inBand, log)
  try {
    const route = request.route
    if (!route.ok) return await refuse(route)
    if (route.value === 'cancel') {
      return await refuse({
        ok: false,
        status: 404,
        code: 'not_found',
        message: 'This agent runs inside the invocation that answers: closing that stream stops it; there is no cancel request.',
      })
    }
    let config: LambdaAgentConfig
    let model: Model
    try {
      ;({ config, model } = load())
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      log.error('not_configured', { reason: err.message })
      return await failWith(500, 'internal_error', 'The agent is not configured.')
    }
    // The edge's rules for prompt, sessionId and replaces, plus its userId and history (protocol/request.ts).
    const body = request.body(maxUpstreamBodyBytes(config.agent.maxPromptChars))
    if (!body.ok) return await refuse(body)
    const req = validateUpstreamInvoke(body.value, config.agent.maxPromptChars)
    if (!req.ok) return await refuse(req)
    const sessionId = req.value.sessionId ?? newSessionId()
    return await streamAnswer(config, model, { ...req.value, sessionId }, responseStream, context, log.with({ sessionId }), transport)
  } catch (err) {
    // Only reachable before the first byte (streamAnswer writes failures as events).
    log.error('unhandled', { err })
    return failWith(500, 'internal_error', 'Something went wrong.')
  }
}

export const handler = awslambda.streamifyResponse(handle)
