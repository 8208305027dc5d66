/**
 * One turn of a conversation: runs the Strands agent on a prompt and turns its events into the
 * protocol's events (protocol/events.ts). Each is yielded to BedrockAgentCoreApp as an SSE message,
 * `{event, data}`, which its @fastify/sse writes as `event: <type>\ndata: <json>\n\n`: the wire
 * format of every other hop, so the Lambda passes them through as they are.
 *
 * The Strands loop runs as a producer on its own; the HTTP stream reads what it produced. That split
 * is what makes cancel prompt whatever the model transport does: a cancel ends the reader at once
 * (done{cancelled}), while the producer unwinds in the background and then fixes the history.
 */
import { Message, MaxTokensError, ModelThrottledError, TextBlock, type Agent } from '@strands-agents/sdk'
// Type-only imports: erased from the bundle, so the image (built from aws/agent alone) does not need protocol/.
import type { EventMap } from '../../protocol/events'
import { toStopReason } from './stop-reason'
import { dropLastExchange } from './replace-exchange'
import { toolYield } from './tool-events'

/** The protocol events the agent sends: text, tool, usage, error and done (the Lambda adds meta). */
type AgentEventType = 'text' | 'tool' | 'usage' | 'error' | 'done'

/** One SSE message for BedrockAgentCoreApp: `event` is the protocol's event type, `data` its payload. */
export type AgentEvent = { [K in AgentEventType]: { event: K; data: EventMap[K] } }[AgentEventType]

export interface TurnLogger {
  error(obj: object, msg: string): void
}

/** A conversation: the Strands agent (it owns the message history) and the turn in flight, if any. */
export interface Conversation {
  readonly agent: Agent
  turn?: Turn
}

/** Called when the generation really starts and when it has finished (the app tracks /ping with them). */
export interface TurnHooks {
  started?(): void
  finished?(): void
}

export class Turn {
  private readonly controller = new AbortController()
  private run: Promise<void> | undefined
  private produced: AgentEvent[] = []
  private ended = false
  private wake: (() => void) | undefined

  constructor(
    private readonly agent: Agent,
    private readonly prompt: string,
    private readonly log: TurnLogger,
    private readonly hooks: TurnHooks = {},
  ) {
    this.controller.signal.addEventListener('abort', () => this.wake?.(), { once: true })
  }

  /** Settles when the Strands loop has finished and the history is final (at once if it never ran). */
  get finished(): Promise<void> {
    return this.run ?? Promise.resolve()
  }

  /** True from the first read of `events()` until the producer has emitted its final `done`. */
  get running(): boolean {
    return this.run !== undefined && !this.ended
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted
  }

  /** Stops the generation; false when there was nothing left to stop. */
  cancel(): boolean {
    if (!this.running || this.cancelled) return false
    this.controller.abort()
    return true
  }

  /** Makes sure a turn nobody started never starts (its stream was refused, e.g. with a 406). */
  abandon(): void {
    if (!this.run) this.controller.abort()
  }

  /**
   * What the HTTP stream sends: the produced events in order, ending with `done`. The generation
   * starts on the first read, so a response the framework refuses (406) costs no model call. After a
   * cancel it ends immediately with done{cancelled}; if the reader goes away early (client
   * disconnect), the generation is stopped too, so nobody pays for an answer no one reads.
   */
  async *events(): AsyncGenerator<AgentEvent, void, undefined> {
    if (!this.run && !this.cancelled) {
      this.hooks.started?.()
      this.run = this.produce().finally(() => this.hooks.finished?.())
    }
    try {
      while (true) {
        // The whole backlog at once: shift() per event copies what is left each time, and at full
        // speed the model runs thousands of events ahead of the socket.
        const backlog = this.produced
        if (backlog.length > 0) {
          this.produced = []
          for (const next of backlog) {
            yield next
            if (next.event === 'done') return
          }
          continue
        }
        if (this.cancelled) {
          yield { event: 'done', data: { stopReason: 'cancelled' } }
          return
        }
        await new Promise<void>((resolve) => (this.wake = resolve))
        this.wake = undefined
      }
    } finally {
      this.cancel()
    }
  }

  private push(event: AgentEvent): void {
    // After a cancel the reader has already said done{cancelled}: later output is not sent.
    if (this.cancelled) return
    this.produced.push(event)
    this.wake?.()
  }

  private async produce(): Promise<void> {
    const { agent, prompt, log } = this
    const started = performance.now()
    const historyBefore = agent.messages.length
    let partial = ''
    let usage: { inputTokens: number; outputTokens: number } | undefined
    const latency = () => Math.round(performance.now() - started)
    try {
      const stream = agent.stream(prompt, { cancelSignal: this.controller.signal })
      let step = await stream.next()
      while (!step.done) {
        const event = step.value
        if (event.type === 'modelStreamUpdateEvent') {
          const inner = event.event
          if (inner.type === 'modelContentBlockDeltaEvent' && inner.delta.type === 'textDelta') {
            partial += inner.delta.text
            this.push({ event: 'text', data: { text: inner.delta.text } })
          } else if (inner.type === 'modelMetadataEvent' && inner.usage) {
            // A turn with tool calls is several model calls: its usage is their sum.
            usage = { inputTokens: (usage?.inputTokens ?? 0) + inner.usage.inputTokens, outputTokens: (usage?.outputTokens ?? 0) + inner.usage.outputTokens }
          }
        } else {
          const tool = toolYield(event)
          if (tool) this.push(tool)
        }
        step = await stream.next()
      }
      const stopReason = toStopReason(step.value.stopReason)
      if (stopReason === 'cancelled') keepPartialAnswer(agent, historyBefore, partial)
      else this.push({ event: 'usage', data: { ...usage, latencyMs: latency(), ...modelIdOf(agent) } })
      this.push({ event: 'done', data: { stopReason } })
    } catch (error) {
      if (error instanceof MaxTokensError) {
        // Strands leaves the prompt without an answer here; the partial answer is the answer.
        appendAnswer(agent, error.partialMessage, historyBefore)
        this.push({ event: 'usage', data: { ...usage, latencyMs: latency(), ...modelIdOf(agent) } })
        this.push({ event: 'done', data: { stopReason: 'max_tokens' } })
      } else {
        // A failed turn leaves no trace in the history: the next prompt starts from a clean state.
        agent.messages.splice(historyBefore)
        log.error({ err: error }, 'agent turn failed')
        this.push(failure(error))
        this.push({ event: 'done', data: { stopReason: 'error' } })
      }
    } finally {
      this.ended = true
      this.wake?.()
    }
  }
}

/**
 * Starts a turn on the conversation and returns what its stream sends, or a stream that says why
 * not. A prompt that arrives while the previous one is still generating is rejected (session_busy)
 * rather than queued: a queued prompt would sit silent for the length of another answer. A cancelled
 * turn that is still unwinding is waited for.
 */
export async function startTurn(
  conversation: Conversation,
  prompt: string,
  log: TurnLogger,
  replaces: string | undefined,
  hooks?: TurnHooks,
): Promise<AsyncGenerator<AgentEvent, void, undefined>> {
  conversation.turn?.abandon()
  // A loop, not an if: two prompts may both wait for the same cancelled turn; only one may start.
  for (let previous = conversation.turn; previous?.running; previous = conversation.turn) {
    if (!previous.cancelled) return sessionBusy()
    await previous.finished
  }
  if (replaces !== undefined) dropLastExchange(conversation.agent, replaces)
  const turn = new Turn(conversation.agent, prompt, log, hooks)
  conversation.turn = turn
  return turn.events()
}

async function* sessionBusy(): AsyncGenerator<AgentEvent, void, undefined> {
  yield { event: 'error', data: { code: 'session_busy', message: 'This session is still answering an earlier prompt. Cancel it or wait for it to finish.', retryable: true } }
  yield { event: 'done', data: { stopReason: 'error' } }
}

function failure(error: unknown): AgentEvent {
  if (error instanceof ModelThrottledError) {
    return { event: 'error', data: { code: 'agent_error', message: 'The model is busy right now. Try again shortly.', retryable: true } }
  }
  // The cause is logged; clients get no upstream internals.
  return { event: 'error', data: { code: 'agent_error', message: 'The agent could not answer this prompt.', retryable: false } }
}

/**
 * Strands records a cancelled turn as the assistant saying "Cancelled by user" and drops what the
 * model had streamed. The user saw that text, so the history keeps it instead.
 */
function keepPartialAnswer(agent: Agent, historyBefore: number, partial: string): void {
  const last = agent.messages.at(-1)
  if (agent.messages.length <= historyBefore || last?.role !== 'assistant' || partial.trim() === '') return
  agent.messages[agent.messages.length - 1] = new Message({ role: 'assistant', content: [new TextBlock(partial)] })
}

function appendAnswer(agent: Agent, answer: Message, historyBefore: number): void {
  const hasText = answer.content.some((block) => block.type === 'textBlock' && block.text.trim() !== '')
  if (agent.messages.at(-1)?.role === 'user' && hasText) agent.messages.push(answer)
  else agent.messages.splice(historyBefore)
}

/** The answering model's id, for the page's cost estimate (absent if the provider names none). */
function modelIdOf(agent: Agent): { modelId?: string } {
  const modelId = agent.model.getConfig().modelId
  return typeof modelId === 'string' ? { modelId } : {}
}
