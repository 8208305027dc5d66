import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { ConfigError, DEFAULT_CANCEL_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, parseLambdaConfig } from './config'
import { TEST_AGENT_RUNTIME_ARN } from './test/start-proxy'

const ARN = TEST_AGENT_RUNTIME_ARN

describe('parseLambdaConfig', () => {
  it('needs only the runtime ARN; everything else has its documented default', () => {
    expect(parseLambdaConfig({ AGENT_RUNTIME_ARN: ARN })).toEqual({
      agentRuntimeArn: ARN,
      qualifier: 'DEFAULT',
      agentCoreEndpoint: undefined,
      maxPromptChars: DEFAULT_MAX_PROMPT_CHARS,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      cancelTimeoutMs: DEFAULT_CANCEL_TIMEOUT_MS,
      logPrompts: false,
    })
    expect([DEFAULT_MAX_PROMPT_CHARS, DEFAULT_HEARTBEAT_MS, DEFAULT_CANCEL_TIMEOUT_MS]).toEqual([16_000, 15_000, 3_000])
  })

  it('reads every variable, blank ones as unset', () => {
    const config = parseLambdaConfig({
      AGENT_RUNTIME_ARN: ` ${ARN} `,
      AGENT_QUALIFIER: 'live',
      AGENTCORE_ENDPOINT: 'http://127.0.0.1:8789',
      MAX_PROMPT_CHARS: '5',
      HEARTBEAT_MS: '100',
      CANCEL_TIMEOUT_MS: '300',
      LOG_PROMPTS: 'true',
    })
    expect(config).toEqual({
      agentRuntimeArn: ARN,
      qualifier: 'live',
      agentCoreEndpoint: 'http://127.0.0.1:8789',
      maxPromptChars: 5,
      heartbeatMs: 100,
      cancelTimeoutMs: 300,
      logPrompts: true,
    })
    expect(parseLambdaConfig({ AGENT_RUNTIME_ARN: ARN, AGENT_QUALIFIER: '', HEARTBEAT_MS: ' ', LOG_PROMPTS: '' })).toMatchObject({
      qualifier: 'DEFAULT',
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      logPrompts: false,
    })
  })

  it.each([
    [{}, 'AGENT_RUNTIME_ARN is required (an AgentCore runtime ARN)'],
    [{ AGENT_RUNTIME_ARN: 'my-agent' }, 'AGENT_RUNTIME_ARN must be an AgentCore runtime ARN, got "my-agent"'],
    [{ AGENT_RUNTIME_ARN: ARN, AGENT_QUALIFIER: '1st' }, 'AGENT_QUALIFIER must be a runtime endpoint name, got "1st"'],
    [{ AGENT_RUNTIME_ARN: ARN, AGENTCORE_ENDPOINT: 'localhost:8789' }, 'AGENTCORE_ENDPOINT must be an http(s) URL, got "localhost:8789"'],
    [{ AGENT_RUNTIME_ARN: ARN, MAX_PROMPT_CHARS: 'lots' }, 'MAX_PROMPT_CHARS must be an integer >= 1, got "lots"'],
    [{ AGENT_RUNTIME_ARN: ARN, MAX_PROMPT_CHARS: '0' }, 'MAX_PROMPT_CHARS must be an integer >= 1, got "0"'],
    [{ AGENT_RUNTIME_ARN: ARN, HEARTBEAT_MS: '1.5' }, 'HEARTBEAT_MS must be an integer >= 1, got "1.5"'],
    [{ AGENT_RUNTIME_ARN: ARN, CANCEL_TIMEOUT_MS: '-3' }, 'CANCEL_TIMEOUT_MS must be an integer >= 1, got "-3"'],
    [{ AGENT_RUNTIME_ARN: ARN, LOG_PROMPTS: 'yes' }, 'LOG_PROMPTS must be true or false, got "yes"'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => parseLambdaConfig(env)).toThrow(ConfigError)
    expect(() => parseLambdaConfig(env)).toThrow(message)
  })

  it('names every bad variable at once', () => {
    expect(() => parseLambdaConfig({ HEARTBEAT_MS: 'x', LOG_PROMPTS: 'on' })).toThrow(
      'AGENT_RUNTIME_ARN is required (an AgentCore runtime ARN); HEARTBEAT_MS must be an integer >= 1, got "x"; LOG_PROMPTS must be true or false, got "on"',
    )
  })
})
