/**
 * A test double for the AgentCore data plane at the system's edge: enough of the InvokeAgentRuntime and
 * StopRuntimeSession HTTP API for the AWS SDK (POST /runtimes/{arn}/invocations?qualifier=, POST
 * /runtimes/{arn}/stopruntimesession), answering each prompt with a script of SSE writes over time.
 */
import { createServer, type ServerResponse } from 'node:http'
import { close, listen, LOCAL_HOST } from '../../local/listen'

export type Step =
  | { send: string }
  /** Waits until the test calls release(name). */
  | { gate: string }
  | { wait: number }
  /** Breaks the connection (an agent crash mid-stream). */
  | { destroy: true }

export interface Script {
  status?: number
  /** x-amzn-errortype for a non-2xx answer, e.g. ResourceNotFoundException. */
  errorType?: string
  contentType?: string
  steps: Step[]
}

export interface Call {
  op: 'invoke' | 'cancel' | 'stop'
  arn: string
  qualifier: string | null
  sessionId: string
  body: unknown
}

export interface ScriptedAgentCore {
  endpoint: string
  calls: Call[]
  /** Scripts by prompt; an unknown prompt gets a short default answer. */
  scripts: Map<string, Script>
  /** How the agent treats {"type":"cancel"}: answer at once (`idle`: "nothing was running",
   *  `{"cancelled":false}`, as aws/agent/app.ts answers), or never answer (for the fallback). */
  cancelMode: 'answer' | 'idle' | 'hang'
  /** How StopRuntimeSession answers: 200, a 500 InternalServerException, or (`missing`) the 404
   *  ResourceNotFoundException AgentCore gives for a session it does not know or has ended. */
  stopMode: 'ok' | 'fail' | 'missing'
  /** Sessions whose invocation connection the caller closed before the script ended. */
  closedEarly: string[]
  release(gate: string): void
  close(): Promise<void>
}

export async function startScriptedAgentCore(): Promise<ScriptedAgentCore> {
  const gates = new Map<string, { promise: Promise<void>; open: () => void }>()
  const gate = (name: string) => {
    let g = gates.get(name)
    if (!g) {
      let open!: () => void
      const promise = new Promise<void>((r) => (open = r))
      g = { promise, open }
      gates.set(name, g)
    }
    return g
  }
  const hanging = new Set<ServerResponse>()
  const state: ScriptedAgentCore = {
    endpoint: '',
    calls: [],
    scripts: new Map(),
    cancelMode: 'answer',
    stopMode: 'ok',
    closedEarly: [],
    release: (name) => gate(name).open(),
    close: async () => {
      for (const res of hanging) res.destroy()
      await close(server)
    },
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const m = /^\/runtimes\/([^/]+)\/(invocations|stopruntimesession)$/.exec(url.pathname)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const sessionId = String(req.headers['x-amzn-bedrock-agentcore-runtime-session-id'] ?? '')
    if (!m || req.method !== 'POST' || !req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' }).end('{}')
      return
    }
    const arn = decodeURIComponent(m[1]!)
    const qualifier = url.searchParams.get('qualifier')
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
    const headers = { 'x-amzn-bedrock-agentcore-runtime-session-id': sessionId, 'x-amzn-requestid': 'fake-request-id' }
    if (m[2] === 'stopruntimesession') {
      state.calls.push({ op: 'stop', arn, qualifier, sessionId, body })
      if (state.stopMode === 'missing') {
        res.writeHead(404, { ...headers, 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' }).end('{"message":"Session not found"}')
        return
      }
      if (state.stopMode === 'fail') {
        res.writeHead(500, { ...headers, 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' }).end('{"message":"internal"}')
        return
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end('{}')
      return
    }
    if ((body as { type?: string })?.type === 'cancel') {
      state.calls.push({ op: 'cancel', arn, qualifier, sessionId, body })
      if (state.cancelMode === 'hang') {
        hanging.add(res)
        return
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ cancelled: state.cancelMode !== 'idle' }))
      return
    }
    state.calls.push({ op: 'invoke', arn, qualifier, sessionId, body })
    const prompt = String((body as { prompt?: unknown })?.prompt)
    const script = state.scripts.get(prompt) ?? { steps: [{ send: 'event: text\ndata: {"text":"ok"}\n\n' }] }
    if (script.status && script.status >= 400) {
      res
        .writeHead(script.status, { ...headers, 'content-type': 'application/json', 'x-amzn-errortype': script.errorType ?? 'InternalServerException' })
        .end(JSON.stringify({ message: 'fake upstream detail that must not reach clients' }))
      return
    }
    res.writeHead(200, { ...headers, 'content-type': script.contentType ?? 'text/event-stream' })
    res.flushHeaders()
    let finished = false
    res.on('close', () => {
      if (!finished) state.closedEarly.push(sessionId)
    })
    for (const step of script.steps) {
      if (res.destroyed) return
      if ('send' in step) res.write(step.send)
      else if ('gate' in step) await gate(step.gate).promise
      else if ('wait' in step) await new Promise((r) => setTimeout(r, step.wait))
      else {
        finished = true
        res.socket?.destroy()
        return
      }
    }
    finished = true
    res.end()
  })
  server.keepAliveTimeout = 0
  state.endpoint = `http://${LOCAL_HOST}:${await listen(server, 0, 'scripted AgentCore')}`
  return state
}
