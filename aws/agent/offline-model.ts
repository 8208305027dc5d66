/**
 * The offline model: a Strands model provider that needs no AWS account. It plugs in where
 * BedrockModel plugs in, so the agent loop, sessions and cancel are the same code in both cases.
 * It streams `composeAnswer`'s text one word at a time at a configurable pace and honours Strands'
 * cancel signal at once (a pending token wait is aborted, not finished). A prompt that asks for the
 * time, a calculation or a unit conversion gets a toolUse first (offline-tool-use.ts), as a Bedrock
 * model would send it; the agent loop runs the tool and calls the model again with its result. A
 * prompt that asks for several gets one toolUse block per call in one message, as Bedrock sends them;
 * Strands runs them (concurrently, its default executor) and returns every result in one message.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Model, type BaseModelConfig, type Message, type ModelStreamEvent, type StreamOptions, type ToolResultBlock } from '@strands-agents/sdk'
import { composeAnswer, tokenize } from './offline-answer'
import { answerFromTools, planToolCalls, type ToolCall } from './offline-tool-use'
import type { OfflinePace } from './config'

export const OFFLINE_MODEL_ID = 'offline'

export interface OfflineModelConfig extends BaseModelConfig, Partial<OfflinePace> {}

export class OfflineModel extends Model<OfflineModelConfig> {
  private config: OfflineModelConfig

  constructor(config: OfflineModelConfig = {}) {
    super()
    this.config = { modelId: OFFLINE_MODEL_ID, ...config }
  }

  updateConfig(config: OfflineModelConfig): void {
    this.config = { ...this.config, ...config }
  }

  getConfig(): OfflineModelConfig {
    return this.config
  }

  async *stream(messages: Message[], options?: StreamOptions): AsyncIterable<ModelStreamEvent> {
    const started = performance.now()
    const signal = options?.cancelSignal
    const { firstTokenMs = 0, tokensPerSecond = 0, maxTokens } = this.config
    const texts = messages.map(textOf)
    // User messages that carry only tool results are not prompts.
    const prompts = texts.filter((text, i) => messages[i].role === 'user' && text !== '')
    const results = toolResultsOf(messages.at(-1))
    let answer: string
    if (results.length > 0) {
      const calls = toolCallsOf(messages.at(-2))
      answer = answerFromTools(results.map((r) => ({ call: calls.get(r.toolUseId) ?? { name: 'calculator', input: {} }, status: r.status, result: resultText(r) })))
    } else {
      const calls = planToolCalls(prompts.at(-1) ?? '', new Set(options?.toolSpecs?.map((spec) => spec.name)))
      if (calls.length > 0) {
        yield* this.useTools(calls, `tooluse_offline_${messages.length}`, started, texts, options)
        return
      }
      answer = composeAnswer({ prompt: prompts.at(-1) ?? '', earlier: prompts.slice(0, -1) })
    }
    const all = tokenize(answer)
    const tokens = maxTokens !== undefined && all.length > maxTokens ? all.slice(0, maxTokens) : all

    yield { type: 'modelMessageStartEvent', role: 'assistant' }
    const interval = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0
    for (let i = 0; i < tokens.length; i++) {
      // Due times come from the start, not from the previous token, so slow consumers do not add drift.
      const wait = started + firstTokenMs + i * interval - performance.now()
      if (wait > 0) await delay(wait, undefined, { signal })
      else signal?.throwIfAborted()
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: tokens[i] } }
    }
    yield { type: 'modelContentBlockStopEvent' }
    yield { type: 'modelMessageStopEvent', stopReason: tokens.length < all.length ? 'maxTokens' : 'endTurn' }
    const inputTokens = estimateInputTokens(texts, options?.systemPrompt)
    yield {
      type: 'modelMetadataEvent',
      usage: { inputTokens, outputTokens: tokens.length, totalTokens: inputTokens + tokens.length },
      metrics: { latencyMs: Math.round(performance.now() - started) },
    }
  }

  /**
   * A model turn that only asks for tools, in the event sequence Bedrock's ConverseStream gives: one
   * content block (start with name and id, the input, stop) per call, then stop reason toolUse. The
   * first call's id is the one a single call has; the others add `_2`, `_3` ….
   */
  private async *useTools(calls: readonly ToolCall[], toolUseId: string, started: number, texts: string[], options?: StreamOptions): AsyncIterable<ModelStreamEvent> {
    const wait = started + (this.config.firstTokenMs ?? 0) - performance.now()
    if (wait > 0) await delay(wait, undefined, { signal: options?.cancelSignal })
    else options?.cancelSignal?.throwIfAborted()
    yield { type: 'modelMessageStartEvent', role: 'assistant' }
    let inputChars = 0
    for (const [i, call] of calls.entries()) {
      const input = JSON.stringify(call.input)
      inputChars += input.length
      yield { type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name: call.name, toolUseId: i === 0 ? toolUseId : `${toolUseId}_${i + 1}` } }
      yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input } }
      yield { type: 'modelContentBlockStopEvent' }
    }
    yield { type: 'modelMessageStopEvent', stopReason: 'toolUse' }
    const inputTokens = estimateInputTokens(texts, options?.systemPrompt)
    const outputTokens = Math.ceil(inputChars / 4)
    yield {
      type: 'modelMetadataEvent',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: Math.round(performance.now() - started) },
    }
  }
}

function toolResultsOf(message: Message | undefined): ToolResultBlock[] {
  if (message?.role !== 'user') return []
  return message.content.filter((block): block is ToolResultBlock => block.type === 'toolResultBlock')
}

function toolCallsOf(message: Message | undefined): Map<string, ToolCall> {
  const calls = new Map<string, ToolCall>()
  for (const block of message?.content ?? []) {
    if (block.type === 'toolUseBlock') calls.set(block.toolUseId, { name: block.name as ToolCall['name'], input: block.input as ToolCall['input'] })
  }
  return calls
}

/** A tool result as the answer shows it: the `result` (or `local` time) field of a JSON result, or its text. */
function resultText(result: ToolResultBlock): string {
  return result.content
    .map((block) => {
      if (block.type === 'textBlock') return block.text
      if (block.type === 'jsonBlock') {
        const json = block.json as Record<string, unknown> | null
        const value = json && typeof json === 'object' ? (json.local ?? json.result) : undefined
        return typeof value === 'string' ? `**${value}**` : JSON.stringify(block.json)
      }
      return ''
    })
    .join('\n')
}

function textOf(message: Message): string {
  return message.content.map((block) => (block.type === 'textBlock' ? block.text : '')).join('')
}

/** Four characters per token, the usual rough estimate (the offline model has no tokenizer). */
function estimateInputTokens(texts: readonly string[], systemPrompt: StreamOptions['systemPrompt']): number {
  const system = typeof systemPrompt === 'string' ? systemPrompt.length : 0
  const chars = texts.reduce((sum, text) => sum + text.length, system)
  return Math.ceil(chars / 4)
}
