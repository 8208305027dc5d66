/**
 * The Lambda proxy's own environment for local runs (the local cloud and the proxy's tests): AgentCore
 * at a local endpoint, requests signed with local credentials (the local cloud's AgentCore emulator
 * verifies the signatures with them: LOCAL_PROXY_CREDENTIAL; nothing reaches AWS).
 */
export const LOCAL_PROXY_CREDENTIAL = {
  accessKeyId: 'LOCALACCESSKEY000000',
  secretAccessKey: 'local-secret-access-key',
  sessionToken: 'local-session-token',
  // Lambda signs with its execution role's session.
  principalArn: 'arn:aws:sts::123456789012:assumed-role/edge-agent-chat-proxy/edge-agent-chat-proxy-function',
} as const

export function localProxyEnv(agentCoreEndpoint: string, agentRuntimeArn: string): Record<string, string> {
  return {
    AGENT_RUNTIME_ARN: agentRuntimeArn,
    AGENTCORE_ENDPOINT: agentCoreEndpoint,
    AWS_ACCESS_KEY_ID: LOCAL_PROXY_CREDENTIAL.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_PROXY_CREDENTIAL.secretAccessKey,
    AWS_SESSION_TOKEN: LOCAL_PROXY_CREDENTIAL.sessionToken,
    // Lambda runs Node 22; locally the runtime is this machine's Node, which the SDK warns about on
    // every cold start. The warning says nothing about the function, so it is turned off here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
}
