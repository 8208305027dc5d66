import type { ToolEvent } from '../../protocol/events'
import { append, insertBefore } from './dom'

export interface ToolLabels {
  toolRunning: string
  toolDone: string
  toolFailed: string
  toolInput: string
  toolResult: string
}

/**
 * The tool calls of one answer, each shown as it happens: a collapsible <details> whose summary names
 * the tool and says running / done / failed, and whose body shows the input and the result. A call's
 * `start` and `end`/`error` events share an id; the second updates the first's element. Several calls
 * in one turn (a model may ask for several tools in one message, and Strands runs them concurrently,
 * so their ends come in any order) are one element each, in the order they started.
 */
export class ToolCallsView {
  private readonly root: HTMLElement
  private readonly calls = new Map<string, { details: HTMLDetailsElement; status: HTMLElement }>()
  /** Calls without an id that are still running, by tool name, oldest first (see keyOf). */
  private readonly running = new Map<string, string[]>()
  private count = 0

  constructor(
    parent: HTMLElement,
    before: Node,
    private readonly labels: ToolLabels,
  ) {
    this.root = parent.ownerDocument.createElement('div')
    this.root.className = 'tool-calls'
    parent.insertBefore(this.root, before)
  }

  apply(event: ToolEvent): void {
    const key = this.keyOf(event)
    let call = this.calls.get(key)
    if (!call) {
      call = this.create(event.name)
      this.calls.set(key, call)
    }
    const doc = this.root.ownerDocument
    call.details.dataset.status = event.status
    call.status.textContent = event.status === 'start' ? this.labels.toolRunning : event.status === 'end' ? this.labels.toolDone : this.labels.toolFailed
    if (event.input !== undefined) {
      // What the call was for, in its closed summary too: two calls of one tool must be told apart unopened.
      const brief = doc.createElement('span')
      brief.className = 'tool-brief'
      brief.textContent = briefOf(event.input)
      insertBefore(call.status, brief, ' ')
      append(call.details, section(doc, this.labels.toolInput, JSON.stringify(event.input, null, 2)))
    }
    if (event.result !== undefined) append(call.details, section(doc, this.labels.toolResult, pretty(event.result)))
  }

  /**
   * The element a call's events go to: its id, or, for an agent that sends none, a new element per
   * start and for an end the oldest running call of that tool (two calls of one tool that end in the
   * other order then swap results, which no event without an id can tell apart).
   */
  private keyOf(event: ToolEvent): string {
    if (event.id !== undefined) return event.id
    const queue = this.running.get(event.name) ?? []
    this.running.set(event.name, queue)
    if (event.status === 'start') {
      const key = `#${++this.count}`
      queue.push(key)
      return key
    }
    return queue.shift() ?? `#${++this.count}`
  }

  private create(name: string): { details: HTMLDetailsElement; status: HTMLElement } {
    const doc = this.root.ownerDocument
    const details = doc.createElement('details')
    details.className = 'tool-call'
    const summary = doc.createElement('summary')
    const tool = doc.createElement('code')
    tool.textContent = name
    const status = doc.createElement('span')
    status.className = 'tool-status'
    append(summary, tool, ' ', status)
    append(details, summary)
    append(this.root, details)
    return { details, status }
  }
}

function section(doc: Document, label: string, text: string): HTMLElement {
  const div = doc.createElement('div')
  div.className = 'tool-section'
  const title = doc.createElement('div')
  title.className = 'tool-label'
  title.textContent = label
  const pre = doc.createElement('pre')
  pre.textContent = text
  append(div, title, pre)
  return div
}

/** The longest brief of an input in a call's summary, in characters. */
export const MAX_BRIEF_CHARS = 48

/** An input in a few words: an object's values (5, km, mile; Asia/Tokyo), anything else as JSON; cut to MAX_BRIEF_CHARS. */
function briefOf(input: unknown): string {
  const values = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.values(input) : [input]
  const text = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
  const chars = [...text]
  return chars.length <= MAX_BRIEF_CHARS ? text : chars.slice(0, MAX_BRIEF_CHARS - 1).join('') + '…'
}

/** A JSON result reads better indented; anything else is shown as it came. */
function pretty(result: string): string {
  try {
    return JSON.stringify(JSON.parse(result), null, 2)
  } catch {
    return result
  }
}
