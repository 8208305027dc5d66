// Test functions for the local Runtime API, run by aws-lambda-ric exactly like the proxy bundle.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export const stream = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'text/plain' } })
  if (event.echo) {
    const env = Object.fromEntries(event.echo.map((k) => [k, process.env[k] ?? null]))
    out.write(JSON.stringify({ env, requestId: context.awsRequestId, arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis(), cwd: process.cwd(), pid: process.pid }))
    return out.end()
  }
  for (const [i, part] of (event.parts ?? []).entries()) {
    if (i > 0) await sleep(event.gapMs ?? 0)
    // holdUrl: the test decides when the function goes on (its server answers when released).
    if (i > 0 && event.holdUrl) await (await fetch(event.holdUrl)).text()
    out.write(part)
  }
  if (event.then === 'throw') throw new TypeError('failed on purpose')
  if (event.then === 'exit') await sleep(100).then(() => process.exit(3))
  if (event.then === 'sleep') await sleep(event.ms)
  out.end()
})

export const buffered = async (event) => {
  if (event.fail) throw new RangeError('buffered failure')
  return { hello: event.name }
}
