/**
 * A local AgentCore Runtime data plane: InvokeAgentRuntime and StopRuntimeSession over HTTP, as
 * @aws-sdk/client-bedrock-agentcore calls them, in front of an agent process that speaks the
 * container contract (POST /invocations with the session header, streaming its answer).
 *
 * - An invocation is forwarded to the agent with the session and request id headers, and the
 *   agent's bytes are streamed back as they arrive (Content-Type as the agent set it).
 * - An agent that answers with an error status gives 424 RuntimeClientError, as AgentCore reports
 *   container failures; an agent that cannot be reached gives the same error type.
 * - StopRuntimeSession ends the session: in AWS the session's microVM is terminated, so every
 *   invocation in flight on it ends. Here the single agent process is shared, so the emulator closes
 *   the session's requests to the agent (the agent sees its clients disconnect) and cuts their
 *   streams to the callers.
 * - runtimeUserId (X-Amzn-Bedrock-AgentCore-Runtime-User-Id) is checked (1–128 characters), needs
 *   InvokeAgentRuntimeForUser besides InvokeAgentRuntime, goes to the agent, and is recorded.
 * - A caller that disconnects closes the forwarded request too.
 * - Where no source settles what AgentCore does (a second invocation on a busy session; what
 *   StopRuntimeSession leaves), `behaviour` picks one (./behaviour.ts); it can be changed while running.
 *
 * node:http rather than a framework: responses must be cut mid-stream when a session is stopped.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { close, listen } from '../listen'
import { readBody } from '../read-body'
import { writeOrWait } from '../../node/write-or-wait'
import { DEFAULT_BEHAVIOUR, type AgentCoreBehaviour } from './behaviour'
import { AgentCoreError } from './errors'
import { parseRequest, SERVICE, type ParsedRequest } from './request'
import { authorize, type LocalPrincipal } from '../sigv4/policy'
import { verifySigV4 } from '../sigv4/verify'

export interface AgentRuntimeTarget {
  /** Base URL of the agent's container contract, e.g. http://127.0.0.1:8080. */
  url: string
  /** Endpoint names (qualifiers) the runtime has. Default: ["DEFAULT"]. */
  endpoints?: string[]
  /**
   * What the end of a session's execution environment means for this agent (StopRuntimeSession with
   * `stopSession: 'terminate'`): its memory of the session goes. The local agent is one process for
   * every session, so the caller says how it forgets one.
   */
  forgetSession?: (sessionId: string) => void
}

export interface AgentCoreOptions {
  port?: number
  region?: string
  /** Runtime ARN → the agent serving it. */
  runtimes: Record<string, AgentRuntimeTarget>
  /** Payload limit of InvokeAgentRuntime: 100 MB. */
  maxPayloadBytes?: number
  /**
   * The callers' keys and policies. When given, each request's SigV4 signature is verified for real
   * (../sigv4/verify.ts) and the caller must be allowed `bedrock-agentcore:<Operation>` on the
   * runtime; without, only the signature's form is checked (./request.ts).
   */
  principals?: readonly LocalPrincipal[]
  /** Switches for what no source settles (./behaviour.ts). Default: run, terminate. */
  behaviour?: Partial<AgentCoreBehaviour>
  log?: (line: string) => void
}

/** What the emulator saw, for tests and the dev console. */
export type AgentCoreEvent =
  | { type: 'invoke'; sessionId: string; requestId: string; userId?: string }
  /** A queued invocation (busySession `queue`) reached the agent, `waitedMs` after it arrived. */
  | { type: 'invoke-forwarded'; sessionId: string; requestId: string; waitedMs: number }
  | { type: 'invoke-rejected'; sessionId: string; requestId: string; reason: 'session-busy' }
  | { type: 'invoke-end'; sessionId: string; requestId: string; how: 'completed' | 'caller-disconnected' | 'session-stopped' | 'agent-failed' }
  | { type: 'stop-session'; sessionId: string; inFlight: number; forgotten: boolean }

export interface AgentCore {
  /** The endpoint to give the SDK (`new BedrockAgentCoreClient({ endpoint })`). */
  endpoint: string
  port: number
  server: Server
  /** Every event so far (bounded to the last 1000). */
  events: AgentCoreEvent[]
  /** The switches in force; assign to change them for the next requests. */
  behaviour: AgentCoreBehaviour
  onEvent(listener: (e: AgentCoreEvent) => void): () => void
  stop(): Promise<void>
}

interface Session {
  inFlight: Set<AbortController>
  /** Settles when the session's last admitted invocation has ended (busySession `queue`). */
  tail: Promise<void>
}

export async function startAgentCore(opts: AgentCoreOptions): Promise<AgentCore> {
  const region = opts.region ?? 'us-east-1'
  const maxPayload = opts.maxPayloadBytes ?? 100 * 1024 * 1024
  const log = opts.log ?? (() => {})
  const behaviour: AgentCoreBehaviour = { ...DEFAULT_BEHAVIOUR, ...opts.behaviour }
  const sessions = new Map<string, Session>()
  const events: AgentCoreEvent[] = []
  const listeners = new Set<(e: AgentCoreEvent) => void>()
  const emit = (e: AgentCoreEvent) => {
    events.push(e)
    if (events.length > 1000) events.shift()
    for (const l of listeners) l(e)
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID()
    handle(req, res, requestId).catch((err) => {
      const e = err instanceof AgentCoreError ? err : new AgentCoreError('InternalServerException', 'Internal server error')
      if (!(err instanceof AgentCoreError)) log(`agentcore: internal error: ${err instanceof Error ? err.stack : String(err)}`)
      req.resume()
      sendError(res, e, requestId)
    })
  })
  server.requestTimeout = 0 // streams may last up to 60 minutes

  async function checkCaller(req: IncomingMessage, body: Buffer, parsed: ParsedRequest, principals: readonly LocalPrincipal[]): Promise<void> {
    const verdict = await verifySigV4({ method: req.method ?? 'POST', url: req.url ?? '/', rawHeaders: req.rawHeaders, body }, { service: SERVICE, region, credentials: principals })
    if (!verdict.ok) throw new AgentCoreError(verdict.errorType, verdict.message)
    const principal = principals.find((p) => p.accessKeyId === verdict.credential.accessKeyId)!
    // On behalf of a user (runtimeUserId), InvokeAgentRuntimeForUser is needed as well (AWS API reference).
    const actions = parsed.userId !== undefined ? [parsed.operation, 'InvokeAgentRuntimeForUser'] : [parsed.operation]
    for (const action of actions) {
      const denied = authorize(principal, `${SERVICE}:${action}`, parsed.runtimeArn)
      if (denied) throw new AgentCoreError('AccessDeniedException', denied.message)
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const parsed = parseRequest(req.method, req.url ?? '/', req.headers, region)
    const target = opts.runtimes[parsed.runtimeArn]
    if (!target) throw new AgentCoreError('ResourceNotFoundException', `No agent runtime ${parsed.runtimeArn}`)
    if (!(target.endpoints ?? ['DEFAULT']).includes(parsed.qualifier)) {
      throw new AgentCoreError('ResourceNotFoundException', `No endpoint ${parsed.qualifier} on agent runtime ${parsed.runtimeArn}`)
    }
    const body = await readBody(req, maxPayload)
    if (body === 'too_large') throw new AgentCoreError('ValidationException', `The payload exceeds the ${maxPayload} byte limit.`)
    if (opts.principals) await checkCaller(req, body, parsed, opts.principals)
    if (parsed.operation === 'StopRuntimeSession') return stopSession(parsed, target, res, requestId)
    return invoke(parsed, target, req, res, body, requestId)
  }

  async function invoke(p: ParsedRequest, target: AgentRuntimeTarget, req: IncomingMessage, res: ServerResponse, body: Buffer, requestId: string) {
    const session: Session = sessions.get(p.sessionId) ?? { inFlight: new Set(), tail: Promise.resolve() }
    sessions.set(p.sessionId, session)
    if (behaviour.busySession === 'reject' && session.inFlight.size > 0) {
      emit({ type: 'invoke-rejected', sessionId: p.sessionId, requestId, reason: 'session-busy' })
      throw new AgentCoreError('RetryableConflictException', `Session ${p.sessionId} is processing another request. Retry after it completes.`)
    }
    const ctl = new AbortController()
    session.inFlight.add(ctl)
    // Every invocation takes its place in the session's line; only `queue` waits for its turn.
    const before = session.tail
    let leave!: () => void
    session.tail = new Promise<void>((r) => (leave = r))
    emit({ type: 'invoke', sessionId: p.sessionId, requestId, ...(p.userId !== undefined && { userId: p.userId }) })
    let how: Extract<AgentCoreEvent, { type: 'invoke-end' }>['how'] = 'completed'
    res.on('close', () => {
      if (!res.writableFinished && !ctl.signal.aborted) {
        how = 'caller-disconnected'
        ctl.abort(new Error('caller disconnected'))
      }
    })
    try {
      if (behaviour.busySession === 'queue') {
        const arrived = Date.now()
        await Promise.race([before, aborted(ctl.signal)])
        if (ctl.signal.reason instanceof StopSignal) throw new AgentCoreError('RuntimeClientError', 'The runtime session was stopped.')
        if (ctl.signal.aborted) return
        emit({ type: 'invoke-forwarded', sessionId: p.sessionId, requestId, waitedMs: Date.now() - arrived })
      }
      const forward: Record<string, string> = {
        'Content-Type': header(req, 'content-type') ?? 'application/json',
        Accept: header(req, 'accept') ?? '*/*',
        'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id': p.sessionId,
        'X-Amzn-Bedrock-AgentCore-Runtime-Request-Id': requestId,
      }
      for (const [name, value] of Object.entries(req.headers)) {
        // Headers AgentCore passes to the container: tracing, the user id and the custom-header prefix.
        if (typeof value === 'string' && /^(x-amzn-trace-id|traceparent|tracestate|baggage|x-amzn-bedrock-agentcore-runtime-(user-id|custom-.+))$/.test(name)) {
          forward[name] = value
        }
      }
      let upstream: Response
      try {
        upstream = await fetch(new URL('/invocations', target.url), { method: 'POST', headers: forward, body: new Uint8Array(body), signal: ctl.signal })
      } catch (err) {
        if (ctl.signal.reason instanceof StopSignal) throw new AgentCoreError('RuntimeClientError', 'The runtime session was stopped.')
        if (ctl.signal.aborted) return
        how = 'agent-failed'
        log(`agentcore: agent unreachable at ${target.url}: ${err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : String(err)}`)
        throw new AgentCoreError('RuntimeClientError', 'Runtime is unreachable. Please check your CloudWatch logs for more information.')
      }
      if (!upstream.ok) {
        how = 'agent-failed'
        const detail = await upstream.text().catch(() => '')
        log(`agentcore: agent answered ${upstream.status}: ${detail.slice(0, 300)}`)
        throw new AgentCoreError('RuntimeClientError', `Received error (${upstream.status}) from runtime. Please check your CloudWatch logs for more information.`)
      }
      res.writeHead(200, {
        'Content-Type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id': p.sessionId,
        'x-amzn-RequestId': requestId,
        ...(req.headers['x-amzn-trace-id'] ? { 'X-Amzn-Trace-Id': String(req.headers['x-amzn-trace-id']) } : {}),
      })
      res.flushHeaders()
      if (!upstream.body) return void res.end()
      const reader = upstream.body.getReader()
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          await writeOrWait(res, value)
          if (res.destroyed) break
        }
        if (!res.destroyed) res.end()
      } catch {
        // The agent's stream broke, or the session was stopped, or the caller left: cut, don't end.
        if (how === 'completed') how = ctl.signal.aborted ? how : 'agent-failed'
        res.destroy()
      }
    } finally {
      leave()
      session.inFlight.delete(ctl)
      if (ctl.signal.aborted && ctl.signal.reason instanceof StopSignal) how = 'session-stopped'
      emit({ type: 'invoke-end', sessionId: p.sessionId, requestId, how })
    }
  }

  function stopSession(p: ParsedRequest, target: AgentRuntimeTarget, res: ServerResponse, requestId: string): void {
    const session = sessions.get(p.sessionId)
    if (!session) throw new AgentCoreError('ResourceNotFoundException', `Session ${p.sessionId} was not found.`)
    const inFlight = session.inFlight.size
    for (const ctl of session.inFlight) ctl.abort(new StopSignal())
    sessions.delete(p.sessionId)
    const forgotten = behaviour.stopSession === 'terminate' && target.forgetSession !== undefined
    // After the connections close (the agent then cancels the turn it was streaming), its memory goes.
    if (forgotten) setImmediate(() => target.forgetSession!(p.sessionId))
    emit({ type: 'stop-session', sessionId: p.sessionId, inFlight, forgotten })
    log(`agentcore: StopRuntimeSession ${p.sessionId} (${inFlight} invocation(s) in flight, ${behaviour.stopSession})`)
    const body = JSON.stringify({})
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id': p.sessionId,
      'x-amzn-RequestId': requestId,
    })
    res.end(body)
  }

  const port = await listen(server, opts.port ?? 0, 'AgentCore emulator')
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    server,
    events,
    behaviour,
    onEvent(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    stop: () => close(server),
  }
}

/** Settles when the signal aborts (never rejects: the caller reads the reason). */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }))
}

class StopSignal extends Error {
  constructor() {
    super('runtime session stopped')
  }
}

function sendError(res: ServerResponse, e: AgentCoreError, requestId: string): void {
  if (res.headersSent) return void res.destroy()
  const body = JSON.stringify({ message: e.message })
  res.writeHead(e.status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': e.type,
    'x-amzn-RequestId': requestId,
    'Content-Length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}
