/**
 * The AgentCore emulator's switches for behaviours no source settles (aws/local/README.md, "Switches
 * where sources disagree"). The product must work under every value; the tests run each.
 *
 * busySession: what a second InvokeAgentRuntime on a session whose first invocation still streams does.
 *   - `run`    (default) it is forwarded at once, beside the first: the cancel invocation reaches the
 *              agent while the answer streams (what aws/lambda/cancel.ts was designed on).
 *   - `queue`  it waits until every earlier invocation of the session has ended (one AWS sample
 *              describes session requests as serialized; docs/AgentCore: one microVM per session).
 *   - `reject` it is refused at once with 409 RetryableConflictException (an error the SDK's model
 *              lists for InvokeAgentRuntime: "a retryable conflict performing an operation").
 * stopSession: what StopRuntimeSession leaves of the session.
 *   - `terminate` (default) the session's in-flight invocations are cut and its execution environment
 *              ends with its memory: the agent forgets the session, and a later invocation with the
 *              same id starts a fresh one (AgentCore developer guide, runtime-stop-session: "instantly
 *              terminates the specified session and stops any ongoing streaming responses").
 *   - `keep`   the in-flight invocations are cut but the agent keeps the session's memory (what one
 *              shared local agent process does by itself; a platform that reuses the microVM).
 */
export const BUSY_SESSION_MODES = ['run', 'queue', 'reject'] as const
export const STOP_SESSION_MODES = ['terminate', 'keep'] as const
export type BusySessionMode = (typeof BUSY_SESSION_MODES)[number]
export type StopSessionMode = (typeof STOP_SESSION_MODES)[number]

export interface AgentCoreBehaviour {
  busySession: BusySessionMode
  stopSession: StopSessionMode
}

export const DEFAULT_BEHAVIOUR: AgentCoreBehaviour = { busySession: 'run', stopSession: 'terminate' }

/** The environment variables `npm run dev` and `npm run conformance` read the switches from. */
export const BEHAVIOUR_ENV = { busySession: 'LOCAL_AGENTCORE_BUSY_SESSION', stopSession: 'LOCAL_AGENTCORE_STOP_SESSION' } as const

/** The switches from the environment; an unknown value throws with the variable's name and the allowed values. */
export function behaviourFromEnv(env: Record<string, string | undefined>): AgentCoreBehaviour {
  return {
    busySession: pick(env, BEHAVIOUR_ENV.busySession, BUSY_SESSION_MODES, DEFAULT_BEHAVIOUR.busySession),
    stopSession: pick(env, BEHAVIOUR_ENV.stopSession, STOP_SESSION_MODES, DEFAULT_BEHAVIOUR.stopSession),
  }
}

function pick<T extends string>(env: Record<string, string | undefined>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new Error(`${name}=${raw} is not one of: ${allowed.join(', ')}`)
}
