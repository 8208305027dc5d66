// A test function behind the local Function URL, run by aws-lambda-ric like the proxy bundle.
// POST /echo: the event it received, as JSON. POST /parts: the body's `parts`, one write each, waiting
// for `holdUrl` before each part after the first; `then: "throw"` fails after them.
// POST /fail: throws before writing anything.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  if (event.rawPath === '/fail') throw new Error('failed before the first byte')
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-from-function': 'yes' } })
  if (event.rawPath === '/echo') {
    out.write(JSON.stringify(event))
    return out.end()
  }
  const body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body)
  for (const [i, part] of body.parts.entries()) {
    if (i > 0 && body.holdUrl) await (await fetch(body.holdUrl)).text()
    out.write(part)
  }
  if (body.then === 'throw') throw new TypeError('failed mid-stream')
  out.end()
})
