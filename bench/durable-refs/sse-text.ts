/**
 * A reader of an SSE response that also says where each event ends, in characters of the decoded
 * text: resumable-stream resumes by a character count (`skipCharacters`), not by an event id. The
 * bench's upstream frames every event as `event: …\ndata: …\n\n` (protocol/events.ts formatEvent),
 * so splitting at the blank line is the whole parser here.
 */
import { STAMP } from '../upstream'

export interface TextEvent {
  type: string
  data: string
  /** Characters of the stream up to the end of this event. */
  end: number
}

export function sseText(res: Response) {
  const body = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffered = ''
  let consumed = 0
  return {
    async next(): Promise<TextEvent | undefined> {
      for (;;) {
        const at = buffered.indexOf('\n\n')
        if (at >= 0) {
          const block = buffered.slice(0, at)
          buffered = buffered.slice(at + 2)
          consumed += at + 2
          const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
          const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
          return { type, data, end: consumed }
        }
        const { done, value } = await body.read()
        if (done) return undefined
        buffered += value
      }
    },
    cancel: () => body.cancel().catch(() => {}),
  }
}

/** The stamp sequence number of a text event's first chunk (bench/upstream.ts stampedText), or -1. */
export function seqOf(e: { type: string; data: string } | undefined): number {
  if (e?.type !== 'text') return -1
  const m = new RegExp(STAMP.source).exec(JSON.parse(e.data).text)
  return m ? Number(m[1]) : -1
}
