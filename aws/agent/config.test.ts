import { describe, expect, it } from 'vitest'
import { BedrockModel } from '@strands-agents/sdk'
import { ConfigError, DEFAULT_SYSTEM_PROMPT, loadConfig } from './config'
import { createConversationAgent, createModel } from './agent-factory'
import { OfflineModel } from './offline-model'

describe('loadConfig', () => {
  it('defaults to the offline model with documented values', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      modelId: undefined,
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      region: undefined,
      maxTokens: undefined,
      offline: { firstTokenMs: 300, tokensPerSecond: 40 },
      maxSessions: 1000,
      sessionIdleMs: 900_000,
      historyMessages: 40,
      maxPromptChars: 16_000,
      logLevel: 'info',
    })
  })

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      AGENT_HOST: '0.0.0.0',
      PORT: '0',
      AGENT_MODEL_ID: ' us.amazon.nova-lite-v1:0 ',
      AGENT_SYSTEM_PROMPT: 'Be brief.',
      AWS_REGION: 'eu-west-1',
      AGENT_MAX_TOKENS: '512',
      OFFLINE_FIRST_TOKEN_MS: '0',
      OFFLINE_TOKENS_PER_SECOND: '12.5',
      AGENT_MAX_SESSIONS: '3',
      AGENT_SESSION_IDLE_MS: '1000',
      AGENT_HISTORY_MESSAGES: '10',
      AGENT_MAX_PROMPT_CHARS: '100',
      LOG_LEVEL: 'silent',
    })
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      modelId: 'us.amazon.nova-lite-v1:0',
      systemPrompt: 'Be brief.',
      region: 'eu-west-1',
      maxTokens: 512,
      offline: { firstTokenMs: 0, tokensPerSecond: 12.5 },
      maxSessions: 3,
      sessionIdleMs: 1000,
      historyMessages: 10,
      maxPromptChars: 100,
      logLevel: 'silent',
    })
  })

  it('treats AGENT_MODEL_ID=offline and blank values as unset', () => {
    expect(loadConfig({ AGENT_MODEL_ID: 'offline' }).modelId).toBeUndefined()
    expect(loadConfig({ AGENT_MODEL_ID: '  ', AGENT_SYSTEM_PROMPT: '' })).toMatchObject({ modelId: undefined, systemPrompt: DEFAULT_SYSTEM_PROMPT })
  })

  it.each([
    [{ OFFLINE_TOKENS_PER_SECOND: 'fast' }, 'OFFLINE_TOKENS_PER_SECOND must be a number >= 0, got "fast"'],
    [{ AGENT_MAX_SESSIONS: '0' }, 'AGENT_MAX_SESSIONS must be an integer >= 1, got "0"'],
    [{ AGENT_MAX_TOKENS: '1.5' }, 'AGENT_MAX_TOKENS must be an integer >= 1, got "1.5"'],
    [{ AGENT_MAX_PROMPT_CHARS: 'lots' }, 'AGENT_MAX_PROMPT_CHARS must be an integer >= 1, got "lots"'],
    [{ AGENT_HISTORY_MESSAGES: '1' }, 'AGENT_HISTORY_MESSAGES must be an integer >= 2, got "1"'],
    [{ PORT: '80800' }, 'PORT must be an integer from 0 to 65535, got "80800"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('refuses %j at start, with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'http', AGENT_MAX_SESSIONS: '-1' })).toThrow(
      'PORT must be an integer from 0 to 65535, got "http"; AGENT_MAX_SESSIONS must be an integer >= 1, got "-1"',
    )
  })
})

describe('createModel', () => {
  it('is the offline model when no Bedrock model is configured', () => {
    const model = createModel(loadConfig({ OFFLINE_FIRST_TOKEN_MS: '7', AGENT_MAX_TOKENS: '9' }))
    expect(model).toBeInstanceOf(OfflineModel)
    expect(model.getConfig()).toMatchObject({ firstTokenMs: 7, tokensPerSecond: 40, maxTokens: 9 })
  })

  it('is Strands BedrockModel with the configured id, region and max tokens otherwise', async () => {
    const model = createModel(loadConfig({ AGENT_MODEL_ID: 'us.amazon.nova-lite-v1:0', AWS_REGION: 'eu-west-1', AGENT_MAX_TOKENS: '256' }))
    expect(model).toBeInstanceOf(BedrockModel)
    expect(model.getConfig()).toMatchObject({ modelId: 'us.amazon.nova-lite-v1:0', maxTokens: 256 })
    const client = (model as unknown as { _client: { config: { region: () => Promise<string> } } })._client
    expect(await client.config.region()).toBe('eu-west-1')
  })

  it('gives each conversation its own agent with the system prompt and no console printer', () => {
    const config = loadConfig({ AGENT_SYSTEM_PROMPT: 'Be brief.' })
    const model = createModel(config)
    const a = createConversationAgent(model, config)
    const b = createConversationAgent(model, config)
    expect(a).not.toBe(b)
    expect(a.model).toBe(model)
    expect(a.systemPrompt).toBe('Be brief.')
  })
})
