import { describe, expect, it } from 'vitest'
import { DEFAULT_HEARTBEAT_MS } from '../lambda/config'
import { DEFAULT_MAX_PROMPT_CHARS } from '../agent/prompt-limit'
import { ConfigError, parseLambdaAgentConfig } from './config'

describe('parseLambdaAgentConfig', () => {
  it("takes the agent's settings and the streaming Lambda's, with their defaults; the agent's host, port and log level mean nothing here", () => {
    const config = parseLambdaAgentConfig({ AGENT_HOST: 'not a host', PORT: 'not a port', LOG_LEVEL: 'loud' })
    expect(config).toMatchObject({ heartbeatMs: DEFAULT_HEARTBEAT_MS, logPrompts: false })
    expect(config.agent).toMatchObject({ modelId: undefined, maxPromptChars: DEFAULT_MAX_PROMPT_CHARS })
    expect(parseLambdaAgentConfig({ HEARTBEAT_MS: '500', LOG_PROMPTS: 'true', AGENT_MAX_PROMPT_CHARS: '100' })).toMatchObject({
      heartbeatMs: 500,
      logPrompts: true,
      agent: { maxPromptChars: 100 },
    })
  })

  it.each([
    [{ HEARTBEAT_MS: '1.5' }, 'HEARTBEAT_MS must be an integer >= 1, got "1.5"'],
    [{ LOG_PROMPTS: 'yes' }, 'LOG_PROMPTS must be true or false, got "yes"'],
    [{ AGENT_MAX_PROMPT_CHARS: '0' }, 'AGENT_MAX_PROMPT_CHARS must be an integer >= 1, got "0"'],
  ])('refuses %j with a ConfigError naming the variable, as the proxy and the agent do', (env, message) => {
    expect(() => parseLambdaAgentConfig(env)).toThrow(ConfigError)
    expect(() => parseLambdaAgentConfig(env)).toThrow(message)
  })

  it("names every bad variable at once, the agent's and the Lambda's", () => {
    expect(() => parseLambdaAgentConfig({ AGENT_MAX_PROMPT_CHARS: 'many', HEARTBEAT_MS: 'x', LOG_PROMPTS: 'on' })).toThrow(
      'AGENT_MAX_PROMPT_CHARS must be an integer >= 1, got "many"; HEARTBEAT_MS must be an integer >= 1, got "x"; LOG_PROMPTS must be true or false, got "on"',
    )
  })
})
