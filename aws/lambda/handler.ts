/**
 * The Lambda proxy: API Gateway (REST, response streaming) → AgentCore. `POST /invoke` streams the
 * agent's answer as the project's events; `POST /cancel` stops a session's answer.
 * Build: aws/lambda/build.ts (dist/index.mjs, export `handler`).
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda'
import type { Writable } from 'node:stream'
import { errorBody } from '../../protocol/events'
import { newSessionId } from '../../protocol/request'
import { cancelSession } from './cancel'
import { ConfigError, lambdaConfig, type LambdaConfig } from './config'
import { relayAnswer } from './invoke'
import { createLogger } from './log'
import { parseCancel, parseInvoke, routeOf, type Parsed } from './parse-request'
import { sendJson } from './response'

const baseLog = createLogger({ fn: process.env.AWS_LAMBDA_FUNCTION_NAME })

async function handle(event: APIGatewayProxyEvent, responseStream: Writable, context: Context): Promise<void> {
  const log = baseLog.with({ requestId: context.awsRequestId })
  const refuse = (p: Extract<Parsed<unknown>, { ok: false }>) => {
    log.info('request_refused', { status: p.status, code: p.code })
    return sendJson(responseStream, p.status, errorBody(p.code, p.message))
  }
  try {
    const route = routeOf(event)
    if (!route.ok) return await refuse(route)
    let config: LambdaConfig
    try {
      config = lambdaConfig()
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      log.error('not_configured', { reason: err.message })
      return await sendJson(responseStream, 500, errorBody('internal_error', 'The proxy is not configured.'))
    }
    if (route.value === 'invoke') {
      const req = parseInvoke(event, config.maxPromptChars)
      if (!req.ok) return await refuse(req)
      const sessionId = req.value.sessionId ?? newSessionId()
      return await relayAnswer(config, { ...req.value, sessionId }, responseStream, context, log.with({ sessionId }))
    }
    const req = parseCancel(event, config.maxPromptChars)
    if (!req.ok) return await refuse(req)
    const sessionLog = log.with({ sessionId: req.value.sessionId })
    try {
      const method = await cancelSession(config, req.value.sessionId, sessionLog)
      return await sendJson(responseStream, 200, { cancelled: true, method })
    } catch (err) {
      sessionLog.error('cancel_failed', { err })
      return await sendJson(responseStream, 502, errorBody('upstream_error', 'The session could not be cancelled.'))
    }
  } catch (err) {
    // Only reachable before the first byte (relayAnswer does not throw).
    log.error('unhandled', { err })
    return sendJson(responseStream, 500, errorBody('internal_error', 'Something went wrong.'))
  }
}

export const handler = awslambda.streamifyResponse(handle)
