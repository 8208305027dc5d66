/**
 * The Lambda proxy → AgentCore. `POST /invoke` streams the agent's answer as the project's events;
 * `POST /cancel` stops a session's answer. Reached through API Gateway (REST, response streaming), a
 * Function URL (RESPONSE_STREAM) or a direct InvokeWithResponseStream / Invoke: ./incoming.ts.
 * Build: aws/lambda/build.ts (dist/index.mjs, export `handler`).
 */
import type { Context } from 'aws-lambda'
import type { Writable } from 'node:stream'
import { errorBody } from '../../protocol/events'
import { maxBodyBytes, maxUpstreamBodyBytes, newSessionId } from '../../protocol/request'
import { cancelSession } from './cancel'
import { ConfigError, lambdaConfig, type LambdaConfig } from './config'
import { relayAnswer } from './invoke'
import { createLogger } from './log'
import { incoming } from './incoming'
import { cancelOf, invokeOf } from './parse-request'
import { requestFailures, sendJson } from './response'

const baseLog = createLogger({ fn: process.env.AWS_LAMBDA_FUNCTION_NAME })

async function handle(event: unknown, responseStream: Writable, context: Context): Promise<void> {
  const log = baseLog.with({ requestId: context.awsRequestId })
  const request = incoming(event)
  const { transport } = request
  // A direct invocation of `invoke` expects events, HTTP callers a status and a JSON body.
  const inBand = transport === 'raw' && (!request.route.ok || request.route.value === 'invoke')
  const { failWith, refuse } = requestFailures(responseStream, request, inBand, log)
  try {
    const route = request.route
    if (!route.ok) return await refuse(route)
    let config: LambdaConfig
    try {
      config = lambdaConfig()
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      log.error('not_configured', { reason: err.message })
      return await failWith(500, 'internal_error', 'The proxy is not configured.')
    }
    const maxBytes = maxBodyBytes(config.maxPromptChars)
    if (route.value === 'invoke') {
      const req = invokeOf(request.body(maxUpstreamBodyBytes(config.maxPromptChars)), config.maxPromptChars)
      if (!req.ok) return await refuse(req)
      const sessionId = req.value.sessionId ?? newSessionId()
      return await relayAnswer(config, { ...req.value, sessionId }, responseStream, context, log.with({ sessionId }), transport)
    }
    const req = cancelOf(request.body(maxBytes))
    if (!req.ok) return await refuse(req)
    const sessionLog = log.with({ sessionId: req.value.sessionId })
    try {
      const method = await cancelSession(config, req.value.sessionId, sessionLog)
      // Nothing running: 404, as AgentCore's StopRuntimeSession answers for an unknown session.
      if (method === 'not_running') return await sendJson(responseStream, 404, { cancelled: false }, {}, transport)
      return await sendJson(responseStream, 200, { cancelled: true, method }, {}, transport)
    } catch (err) {
      sessionLog.error('cancel_failed', { err })
      return await sendJson(responseStream, 502, errorBody('upstream_error', 'The session could not be cancelled.'), {}, transport)
    }
  } catch (err) {
    // Only reachable before the first byte (relayAnswer does not throw).
    log.error('unhandled', { err })
    return failWith(500, 'internal_error', 'Something went wrong.')
  }
}

export const handler = awslambda.streamifyResponse(handle)
