/**
 * The addon's contract where the recording cannot show it (src/native/rapid-client.cc in aws-lambda-ric
 * 4.0.2, aws-lambda-cpp's runtime.cpp): how `next()` fails, that `done`/`error` never throw for a
 * failed post, and how they check their arguments.
 */
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'

interface NativeClient {
  next(): Promise<{ bodyJson: string; headers: Record<string, string | number> }>
  done(id: string, body: string): null
  error(id: string, body: string, xray: string): null
}

const require = createRequire(import.meta.url)
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))))
})

/** A fresh copy of the client (it reads AWS_LAMBDA_RUNTIME_API when loaded, as the addon does). */
function loadClient(runtimeApi: string): NativeClient {
  const path = require.resolve('./http-client.cjs')
  delete require.cache[path]
  const saved = process.env.AWS_LAMBDA_RUNTIME_API
  process.env.AWS_LAMBDA_RUNTIME_API = runtimeApi
  try {
    return require(path) as NativeClient
  } finally {
    if (saved === undefined) delete process.env.AWS_LAMBDA_RUNTIME_API
    else process.env.AWS_LAMBDA_RUNTIME_API = saved
  }
}

async function runtimeApi(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('the native client over node:http', () => {
  it('rejects next() with the HTTP status when the Runtime API refuses', async () => {
    const client = loadClient(await runtimeApi((_req, res) => res.writeHead(500).end()))
    await expect(client.next()).rejects.toThrow('Failed to get next invocation, error 500')
  })

  it('rejects next() with -1 (no request made) when the answer has no request id, or nobody answers', async () => {
    const noId = loadClient(await runtimeApi((_req, res) => res.writeHead(200).end('{}')))
    await expect(noId.next()).rejects.toThrow('Failed to get next invocation, error -1')
    const closed = await runtimeApi(() => {})
    await new Promise((r) => servers.pop()!.close(r))
    await expect(loadClient(closed).next()).rejects.toThrow('Failed to get next invocation, error -1')
  })

  it('hands the event over as the addon does: deadline a number, optional headers only when present', async () => {
    const client = loadClient(
      await runtimeApi((_req, res) =>
        res
          .writeHead(200, {
            'Lambda-Runtime-Aws-Request-Id': 'req-1',
            'Lambda-Runtime-Deadline-Ms': '1767225600000',
            'Lambda-Runtime-Client-Context': '{"custom":{}}',
            'Lambda-Runtime-Cognito-Identity': '',
          })
          .end('{"a":"ü"}'),
      ),
    )
    expect(await client.next()).toEqual({
      bodyJson: '{"a":"ü"}',
      headers: {
        'lambda-runtime-deadline-ms': 1767225600000,
        'lambda-runtime-aws-request-id': 'req-1',
        'lambda-runtime-trace-id': '',
        'lambda-runtime-invoked-function-arn': '',
        'lambda-runtime-client-context': '{"custom":{}}',
      },
    })
  })

  it('never throws from done() or error() when the post fails, and the next call still goes out', async () => {
    const seen: string[] = []
    const client = loadClient(
      await runtimeApi((req, res) => {
        seen.push(`${req.method} ${req.url}`)
        if (req.method === 'POST') return req.socket.destroy()
        res.writeHead(200, { 'Lambda-Runtime-Aws-Request-Id': 'req-2' }).end('null')
      }),
    )
    expect(client.done('req-1', '{}')).toBeNull()
    expect(client.error('req-1', '{}', '')).toBeNull()
    expect((await client.next()).headers['lambda-runtime-aws-request-id']).toBe('req-2')
    expect(seen).toEqual([
      'POST /2018-06-01/runtime/invocation/req-1/response',
      'POST /2018-06-01/runtime/invocation/req-1/error',
      'GET /2018-06-01/runtime/invocation/next',
    ])
  })

  it('checks its arguments like the addon', () => {
    const client = loadClient('127.0.0.1:9')
    expect(() => (client.done as (...a: unknown[]) => null)('only-one')).toThrow(new TypeError('Wrong number of arguments, expected 2'))
    expect(() => (client.error as (...a: unknown[]) => null)('id', '{}', 3)).toThrow(new TypeError('Wrong arguments'))
  })
})
