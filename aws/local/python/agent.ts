/**
 * Runs the Python agent (aws/agent-python/agent.py) as a child process and tells the caller where it
 * listens: it prints one JSON line {"event":"agent_ready","url",...,"versions"} once it accepts requests.
 * The venv must exist (./env.ts, `npm run setup:python`).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { AgentConfig } from '../../agent/config'
import { LOCAL_HOST } from '../listen'
import { PYTHON_AGENT_DIR, PythonSetupError, pythonEnvReady, venvPython } from './env'

export interface PythonAgentOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** The same knobs as the TypeScript agent's, passed as the environment both agents read. */
  config?: Partial<AgentConfig>
  /** Extra environment (e.g. AWS_ENDPOINT_URL_BEDROCK_RUNTIME for tests). */
  env?: Record<string, string>
  log?: (line: string) => void
  /** How long to wait for the ready line. Default 60 s (the first import of boto3 and Strands is slow). */
  startTimeoutMs?: number
}

export interface RunningPythonAgent {
  url: string
  port: number
  model: string
  /** Package versions the agent runs with (bedrock-agentcore, strands-agents, ...). */
  versions: Record<string, string>
  process: ChildProcess
  /**
   * Ends a session as StopRuntimeSession ends its microVM in AWS (the AgentCore emulator's
   * forgetSession): the agent drops it and its running turn, over the agent's local control channel
   * (stdin; agent.py follow_local_control).
   */
  forgetSession(sessionId: string): void
  /** The sessions the agent has confirmed it forgot, oldest first. */
  forgotten: string[]
  close(): Promise<void>
}

/** AgentConfig → the environment variables aws/agent/config.ts and aws/agent-python/config.py read. */
export function agentEnv(config: Partial<AgentConfig>): Record<string, string> {
  const env: Record<string, string> = {}
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) env[name] = String(value)
  }
  if ('modelId' in config) set('AGENT_MODEL_ID', config.modelId ?? 'offline')
  set('AGENT_SYSTEM_PROMPT', config.systemPrompt)
  set('AWS_REGION', config.region)
  set('AGENT_MAX_TOKENS', config.maxTokens)
  set('OFFLINE_FIRST_TOKEN_MS', config.offline?.firstTokenMs)
  set('OFFLINE_TOKENS_PER_SECOND', config.offline?.tokensPerSecond)
  set('AGENT_MAX_SESSIONS', config.maxSessions)
  set('AGENT_HISTORY_MESSAGES', config.historyMessages)
  set('AGENT_MAX_PROMPT_CHARS', config.maxPromptChars)
  set('LOG_LEVEL', config.logLevel)
  return env
}

export async function startPythonAgent(options: PythonAgentOptions = {}): Promise<RunningPythonAgent> {
  if (!pythonEnvReady()) throw new PythonSetupError('The Python agent has no environment yet: run `npm run setup:python` first.')
  const log = options.log ?? (() => {})
  const child = spawn(venvPython(), ['agent.py'], {
    cwd: PYTHON_AGENT_DIR,
    // stdin: the local control channel (forgetSession below).
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      // Only what the agent needs: PATH and locale from here, never this process's AWS credentials.
      PATH: process.env.PATH ?? '',
      LANG: process.env.LANG ?? 'C.UTF-8',
      PYTHONUNBUFFERED: '1',
      PYTHONIOENCODING: 'utf-8',
      AGENT_HOST: LOCAL_HOST,
      PORT: String(options.port ?? 0),
      AGENT_MODEL_ID: 'offline',
      AGENT_LOCAL_CONTROL: 'stdin',
      ...agentEnv(options.config ?? {}),
      ...options.env,
    },
  })
  // If this process ends without close() (a test runner killed, an uncaught error), the agent goes too.
  const orphaned = () => child.kill('SIGKILL')
  process.once('exit', orphaned)
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', orphaned)
      resolve(code ?? 1)
    }),
  )
  createInterface({ input: child.stderr! }).on('line', log)
  // A write after the agent exited must not take this process down.
  child.stdin!.on('error', () => {})
  const forgotten: string[] = []
  const ready = new Promise<{ url: string; model: string; versions: Record<string, string> }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string; url: string; model: string; versions: Record<string, string>; sessionId?: string }
        if (parsed.event === 'agent_ready') return resolve(parsed)
        if (parsed.event === 'session_forgotten' && typeof parsed.sessionId === 'string') return void forgotten.push(parsed.sessionId)
      } catch {
        // Not the ready line: ordinary output.
      }
      log(line)
    })
    child.once('error', reject)
    void exited.then((code) => reject(new Error(`the Python agent exited (code ${code}) before it was ready`)))
    setTimeout(() => reject(new Error('the Python agent did not get ready in time')), options.startTimeoutMs ?? 60_000).unref()
  })
  let info
  try {
    info = await ready
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    ...info,
    port: Number(new URL(info.url).port),
    process: child,
    forgotten,
    forgetSession(sessionId) {
      if (child.stdin?.writable) child.stdin.write(JSON.stringify({ forget: sessionId }) + '\n')
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    },
  }
}
