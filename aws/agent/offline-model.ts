/**
 * The offline model: a Strands model provider that needs no AWS account. It plugs in where
 * BedrockModel plugs in, so the agent loop, sessions and cancel are the same code in both cases.
 * It streams `composeAnswer`'s text one word at a time at a configurable pace and honours Strands'
 * cancel signal at once (a pending token wait is aborted, not finished).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Model, type BaseModelConfig, type Message, type ModelStreamEvent, type StreamOptions } from '@strands-agents/sdk'
import { composeAnswer, tokenize } from './offline-answer'
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
    const prompts = texts.filter((_, i) => messages[i].role === 'user')
    const answer = composeAnswer({ prompt: prompts.at(-1) ?? '', earlier: prompts.slice(0, -1) })
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
