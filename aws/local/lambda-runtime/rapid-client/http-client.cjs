// @ts-check
/**
 * aws-lambda-ric's native addon (rapid-client.node: `next`, `done`, `error`, a wrapper around
 * aws-lambda-cpp's curl client) rewritten over node:http, so the local Lambda runs AWS's runtime client
 * JavaScript where the addon does not exist (macOS, where its install scripts skip the build) and
 * without compiling curl and aws-lambda-cpp on Linux. ./register.cjs substitutes it for the addon.
 *
 * It sends the requests the addon sends, header for header (recorded in
 * ../fixtures/native-client-4.0.2.json, checked by ./http-client.test.ts), and keeps its contract as
 * aws-lambda-ric 4.0.2 uses it (src/native/rapid-client.cc in that package):
 * - `next()` resolves `{ bodyJson, headers }` with the deadline as a number and the optional headers
 *   only when not empty; it rejects with "Failed to get next invocation, error <code>".
 * - `done(id, body)` and `error(id, body, xrayCause)` return null and never throw for a failed post
 *   (the addon ignores the outcome). The addon blocks until the post is answered; here the next call
 *   waits for it instead, so the Runtime API sees the same order: the response, then GET /next.
 * - Like aws-lambda-cpp, an error post carries no Lambda-Runtime-Function-Error-Type header: the
 *   type is in the body. An empty X-Ray cause is left out (curl drops an empty header).
 *
 * CommonJS and plain JavaScript: it is loaded by `require` inside the runtime process, which runs
 * plain Node (no TypeScript loader).
 */
const http = require('node:http')

// The addon reads the endpoint once, when it is loaded; so does this.
const endpoint = process.env.AWS_LAMBDA_RUNTIME_API ?? ''
const separator = endpoint.lastIndexOf(':')
// `[::1]:9001` names an IPv6 host: node:http wants it without the brackets.
const hostname = (separator > 0 ? endpoint.slice(0, separator) : endpoint).replace(/^\[(.*)\]$/, '$1')
const port = separator > 0 ? Number(endpoint.slice(separator + 1)) : 80
const base = '/2018-06-01/runtime/invocation/'
// aws-lambda-cpp's identification, which it sends with every request (src/runtime.cpp, version 0.2.6
// as vendored by aws-lambda-ric 4.0.2).
const USER_AGENT = 'AWS_Lambda_Cpp/0.2.6'
// aws::http::response_code::REQUEST_NOT_MADE: no answer at all.
const REQUEST_NOT_MADE = -1

// One connection, reused, one request at a time: curl's single easy handle.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
/** @type {Promise<unknown>} the previous call, which the next one waits for */
let previous = Promise.resolve()

/**
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {Array<[string, string]>} extra headers after Host and Accept, in curl's order
 * @param {Buffer} [body]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: Buffer }>}
 */
function send(method, path, extra, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method, agent, setHost: false })
    // Curl's header order; Node's own Connection header is left out, as curl sends none.
    req.setHeader('Host', endpoint)
    req.setHeader('Accept', '*/*')
    for (const [name, value] of extra) req.setHeader(name, value)
    req.removeHeader('Connection')
    req.on('error', reject)
    req.on('response', (res) => {
      /** @type {Buffer[]} */
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.end(body)
  })
}

/** @param {() => Promise<unknown>} call */
function inTurn(call) {
  const result = previous.then(call, call)
  previous = result.catch(() => {})
  return result
}

/** @param {string | string[] | undefined} v */
const header = (v) => (Array.isArray(v) ? v.join(', ') : (v ?? ''))

function next() {
  return inTurn(async () => {
    let res
    try {
      res = await send('GET', base + 'next', [['User-Agent', USER_AGENT]])
    } catch {
      throw new Error(`Failed to get next invocation, error ${REQUEST_NOT_MADE}`)
    }
    if (res.status < 200 || res.status > 299) throw new Error(`Failed to get next invocation, error ${res.status}`)
    const h = res.headers
    if (h['lambda-runtime-aws-request-id'] === undefined) throw new Error(`Failed to get next invocation, error ${REQUEST_NOT_MADE}`)
    /** @type {Record<string, string | number>} */
    const headers = {
      // strtoul's reading: the leading digits, 0 when there are none.
      'lambda-runtime-deadline-ms': Number(/^\s*\d*/.exec(header(h['lambda-runtime-deadline-ms']))?.[0].trim() || 0),
      'lambda-runtime-aws-request-id': header(h['lambda-runtime-aws-request-id']),
      'lambda-runtime-trace-id': header(h['lambda-runtime-trace-id']),
      'lambda-runtime-invoked-function-arn': header(h['lambda-runtime-invoked-function-arn']),
    }
    for (const name of ['lambda-runtime-client-context', 'lambda-runtime-cognito-identity', 'lambda-runtime-aws-tenant-id']) {
      const value = header(h[name])
      if (value !== '') headers[name] = value
    }
    return { bodyJson: res.body.toString('utf8'), headers }
  })
}

/**
 * @param {string} path
 * @param {string} payload
 * @param {string} xrayCause
 */
function post(path, payload, xrayCause) {
  const body = Buffer.from(payload, 'utf8')
  /** @type {Array<[string, string]>} */
  const headers = [['content-type', 'application/json']]
  // Header values go out as latin1 (one byte per char): the UTF-8 bytes curl would send.
  if (xrayCause !== '') headers.push(['lambda-runtime-function-xray-error-cause', Buffer.from(xrayCause, 'utf8').toString('latin1')])
  headers.push(['User-Agent', USER_AGENT], ['content-length', String(body.length)])
  // The addon ignores a failed post; the next GET /next then fails if the Runtime API is gone.
  void inTurn(() => send('POST', path, headers, body)).catch(() => {})
  return null
}

/** @param {unknown[]} args @param {number} count */
function checkStrings(args, count) {
  if (args.length < count) throw new TypeError(`Wrong number of arguments, expected ${count}`)
  if (args.slice(0, count).some((a) => typeof a !== 'string')) throw new TypeError('Wrong arguments')
}

module.exports = {
  next,
  /** @param {string} requestId already URI-encoded by aws-lambda-ric @param {string} body */
  done(requestId, body) {
    checkStrings([...arguments], 2)
    return post(`${base}${requestId}/response`, body, '')
  },
  /** @param {string} requestId @param {string} body @param {string} xrayCause */
  error(requestId, body, xrayCause) {
    checkStrings([...arguments], 3)
    return post(`${base}${requestId}/error`, body, xrayCause)
  },
}
