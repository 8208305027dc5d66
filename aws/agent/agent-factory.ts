/**
 * Builds the model and the per-session Strands agents. The model is chosen here and nowhere else:
 * Bedrock when AGENT_MODEL_ID names one, the offline model otherwise; everything downstream is the
 * same Strands agent loop either way.
 */
import { Agent, BedrockModel, SlidingWindowConversationManager, type Model } from '@strands-agents/sdk'
import { OfflineModel } from './offline-model'
import { createTools } from './tools'
import type { AgentConfig } from './config'

/** One model instance serves every session: it holds a client, not a conversation. */
export function createModel(config: AgentConfig): Model {
  if (config.modelId === undefined) {
    return new OfflineModel({ ...config.offline, ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }) })
  }
  return new BedrockModel({
    modelId: config.modelId,
    ...(config.region !== undefined && { region: config.region }),
    ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }),
  })
}

/** A conversation's agent: it owns that session's message history, bounded by a sliding window. */
export function createConversationAgent(model: Model, config: AgentConfig): Agent {
  return new Agent({
    model,
    systemPrompt: config.systemPrompt,
    // Strands prints every answer to stdout by default; in a server that is a log of user content.
    printer: false,
    tools: createTools(),
    conversationManager: new SlidingWindowConversationManager({ windowSize: config.historyMessages }),
  })
}
