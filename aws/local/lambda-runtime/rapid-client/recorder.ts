/**
 * A scripted Runtime API that records what aws-lambda-ric sends it: one event for GET /next, 202 for
 * each post, and the run ends at the second GET /next (the invocation is over) or when the process
 * exits (an init error). Used to record the native client once (./record-native.ts) and to check that
 * ./http-client.cjs sends the same requests (./http-client.test.ts).
 */
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { text } from 'node:stream/consumers'
import { lambdaEnvironment } from '../lambda-env'

export interface RecordedRequest {
  method: string
  path: string
  /** As sent (names in the sender's case, in order, values as bytes read as latin1); `<port>` and `<task-root>` stand for the run's own. */
  headers: [string, string][]
  body: string
}

export interface Scenario {
  /** Directory holding the function (LAMBDA_TASK_ROOT, the process's cwd). */
  codeDir: string
  /** `<module>.<export>` (the `_HANDLER` variable). */
  handler: string
  /** Node flags before aws-lambda-ric's entry, e.g. `['--require', REGISTER_PATH]`. */
  nodeArgs?: string[]
}

/** What the Runtime API answers GET /next with: fixed, so the recording is the same on every run. */
export const NEXT_EVENT = {
  requestId: '8f3a1c2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b',
  deadlineMs: '4102444800000',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:native-client-recording',
  traceId: 'Root=1-6710c2a0-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  body: JSON.stringify({ name: 'wörld' }),
}

const ricEntry = createRequire(import.meta.url).resolve('aws-lambda-ric')

export async function record(scenario: Scenario): Promise<{ requests: RecordedRequest[]; log: string }> {
  const requests: RecordedRequest[] = []
  let nextCalls = 0
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void text(req).then((body) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: headerPairs(req.rawHeaders), body })
      if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
        if (++nextCalls > 1) return finish() // the invocation is over; the process waits here until killed
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Lambda-Runtime-Aws-Request-Id': NEXT_EVENT.requestId,
          'Lambda-Runtime-Deadline-Ms': NEXT_EVENT.deadlineMs,
          'Lambda-Runtime-Invoked-Function-Arn': NEXT_EVENT.functionArn,
          'Lambda-Runtime-Trace-Id': NEXT_EVENT.traceId,
        })
        return res.end(NEXT_EVENT.body)
      }
      res.writeHead(202, { 'Content-Type': 'application/json' })
      res.end('{"status":"OK"}')
    })
  })
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  const child = spawn(process.execPath, [...(scenario.nodeArgs ?? []), ricEntry], {
    cwd: scenario.codeDir,
    env: lambdaEnvironment({ codeDir: scenario.codeDir, handler: scenario.handler }, `127.0.0.1:${port}`),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  child.on('exit', () => finish())
  await finished
  child.kill('SIGKILL')
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  // The port and the checkout's path differ between runs; nothing else may.
  const portable = (s: string) => s.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:<port>').replaceAll(scenario.codeDir.replace(/\/$/, ''), '<task-root>')
  return {
    requests: requests.map((r) => ({ ...r, headers: r.headers.map(([k, v]) => [k, portable(v)]), body: portable(r.body) })),
    log,
  }
}

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!])
  return pairs
}
