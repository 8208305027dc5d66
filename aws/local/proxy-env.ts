/**
 * The Lambda proxy's own environment for local runs (the local cloud and the proxy's tests): AgentCore
 * at a local endpoint, requests signed with fake credentials (the emulators only check the signature's
 * shape; nothing reaches AWS).
 */
export function localProxyEnv(agentCoreEndpoint: string, agentRuntimeArn: string): Record<string, string> {
  return {
    AGENT_RUNTIME_ARN: agentRuntimeArn,
    AGENTCORE_ENDPOINT: agentCoreEndpoint,
    AWS_ACCESS_KEY_ID: 'LOCALACCESSKEY000000',
    AWS_SECRET_ACCESS_KEY: 'local-secret-access-key',
    AWS_SESSION_TOKEN: 'local-session-token',
    // Lambda runs Node 22; locally the runtime is this machine's Node, which the SDK warns about on
    // every cold start. The warning says nothing about the function, so it is turned off here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
}
