/**
 * The Python agent reads its settings as the TypeScript one does (aws/agent/config.ts): the same
 * variables, the same defaults. Asked of config.py itself, under the agent's own Python.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { loadConfig } from '../agent/config'
import { PYTHON_AGENT_DIR, venvPython } from '../local/python/env'

/** config.py's load_config(env) as JSON. */
function pythonConfig(env: Record<string, string>): Record<string, unknown> {
  const script = 'import dataclasses, json, sys\nfrom config import load_config\nprint(json.dumps(dataclasses.asdict(load_config(json.loads(sys.argv[1])))))'
  return JSON.parse(execFileSync(venvPython(), ['-c', script, JSON.stringify(env)], { cwd: PYTHON_AGENT_DIR, encoding: 'utf8' }))
}

describe("the Python agent's configuration", () => {
  it('has the defaults of the TypeScript agent, the prompt limit that of every hop', () => {
    const ts = loadConfig({})
    expect(pythonConfig({})).toMatchObject({
      max_prompt_chars: DEFAULT_MAX_PROMPT_CHARS,
      history_messages: ts.historyMessages,
      max_sessions: ts.maxSessions,
      first_token_ms: ts.offline.firstTokenMs,
      tokens_per_second: ts.offline.tokensPerSecond,
      system_prompt: ts.systemPrompt,
      host: ts.host,
      port: ts.port,
    })
    expect(ts.maxPromptChars).toBe(DEFAULT_MAX_PROMPT_CHARS)
  })

  it('reads AGENT_MAX_PROMPT_CHARS as the TypeScript agent does', () => {
    expect(pythonConfig({ AGENT_MAX_PROMPT_CHARS: '100' })).toMatchObject({ max_prompt_chars: 100 })
    expect(loadConfig({ AGENT_MAX_PROMPT_CHARS: '100' }).maxPromptChars).toBe(100)
  })
})
