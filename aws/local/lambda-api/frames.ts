/**
 * The event-stream messages of Lambda's InvokeWithResponseStream answer
 * (`application/vnd.amazon.eventstream`): a `PayloadChunk` per piece of the function's output and
 * one `InvokeComplete` at the end, with `ErrorCode`/`ErrorDetails` when the function failed (Lambda
 * API reference: InvokeWithResponseStreamResponseEvent, InvokeResponseStreamUpdate,
 * InvokeWithResponseStreamCompleteEvent). Encoded by Smithy's codec, the one the AWS SDK decodes
 * with; `@aws-sdk/client-lambda` reads them in server.test.ts. No Node APIs: the Worker's decoder
 * test (app/server/upstream/lambda-event-stream.test.ts) builds its input with these too.
 */
import { EventStreamCodec } from '@smithy/core/event-streams'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
)

const str = (value: string) => ({ type: 'string' as const, value })

export function payloadChunk(payload: Uint8Array): Uint8Array {
  return codec.encode({
    headers: { ':event-type': str('PayloadChunk'), ':content-type': str('application/octet-stream'), ':message-type': str('event') },
    body: payload,
  })
}

export interface InvokeComplete {
  /** Set when the invocation failed (e.g. `Runtime.ExitError`, `Sandbox.Timedout`, the function's error type). */
  ErrorCode?: string
  ErrorDetails?: string
  LogResult?: string
}

export function invokeComplete(complete: InvokeComplete = {}): Uint8Array {
  return codec.encode({
    headers: { ':event-type': str('InvokeComplete'), ':content-type': str('application/json'), ':message-type': str('event') },
    body: encoder.encode(JSON.stringify(complete)),
  })
}
