// A streaming function for the API Gateway emulator's tests, run under the real aws-lambda-ric.
// The request body picks the behaviour: {"mode": ..., ...}.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const req = event.body ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body) : {}
  const http = (meta) => awslambda.HttpResponseStream.from(responseStream, meta)
  switch (req.mode) {
    case 'echo-event': {
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'application/json' } })
      s.write(JSON.stringify(event))
      s.end()
      return
    }
    case 'prelude': {
      const s = http({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Custom': 'yes', Date: 'Thu, 01 Jan 2026 00:00:00 GMT' },
        multiValueHeaders: { 'X-Multi': ['a', 'b'] },
        cookies: ['c1=1; Path=/', 'c2=2'],
      })
      s.write('first ')
      await sleep(50)
      s.write('second')
      s.end()
      return
    }
    case 'end-with-data': {
      // aws-lambda-ric adds the prelude in write() only: end(data) sends the data without it.
      http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } }).end('body via end()')
      return
    }
    case 'end-without-writing': {
      http({ statusCode: 418, headers: { 'Content-Type': 'text/plain' } }).end()
      return
    }
    case 'error-before-first-byte':
      throw new Error('failed before writing')
    case 'error-mid-stream': {
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } })
      s.write('partial ')
      await sleep(50)
      throw new Error('failed mid-stream')
    }
    case 'slow-start': {
      await sleep(req.ms)
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } })
      s.write('late')
      s.end()
      return
    }
    case 'go-quiet': {
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } })
      s.write('hello ')
      await sleep(req.ms)
      s.write('too late')
      s.end()
      return
    }
    case 'trickle': {
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } })
      for (let t = 0; t < req.ms; t += req.every) {
        s.write(`${t}\n`)
        await sleep(req.every)
      }
      s.end()
      return
    }
    case 'count': {
      const s = http({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } })
      for (let i = 0; i < req.n; i++) {
        s.write(`${req.tag}:${i}\n`)
        if (i % 10 === 0) await sleep(1)
      }
      s.end()
      return
    }
    default: {
      const s = http({ statusCode: 400, headers: { 'Content-Type': 'application/json' } })
      s.write(JSON.stringify({ error: 'unknown mode' }))
      s.end()
    }
  }
})
