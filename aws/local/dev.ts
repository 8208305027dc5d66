/**
 * `npm run dev`: the local cloud plus the HonoX dev server (Vite), wired together.
 * `npm run preview`: the local cloud, `npm run build`, then the build in workerd as `wrangler dev` runs it
 * (./preview-server.ts: wrangler's startWorker API, its inspector off).
 * `--agent python` (either command) puts the Python agent (aws/agent-python) behind AgentCore instead of
 * the TypeScript one; its environment is set up on first use (./python/env.ts).
 * `--upstream <kind>` (protocol/upstream-kinds.ts; default rest) points the Worker at the local cloud
 * over that streaming path (./worker-vars.ts), and the start says which one.
 * `--sign-in` turns on the Worker's OIDC sign-in against a local issuer (./sign-in-issuer.ts, offline)
 * and prints a token to send as `Authorization: Bearer`; the page itself stays anonymous (cookie).
 *
 * - The Worker finds the local API Gateway through .dev.vars (UPSTREAM_URL, UPSTREAM_API_KEY, and
 *   UPSTREAM_AWS_* keys it signs with), written here when absent. An existing file is respected
 *   (a local one without AWS keys gets some); if it points elsewhere, we say so.
 * - Fixed ports (a busy one stops the start with a message naming it); environment overrides:
 *   LOCAL_API_PORT (8788), LOCAL_AGENTCORE_PORT (8789), LOCAL_AGENT_PORT (8790), DEV_PORT (5173 dev,
 *   8787 preview), and LOCAL_APIGW_*_MS for API Gateway's limits (see api-gateway/limits.ts).
 * - LOCAL_LAMBDA_CONCURRENCY (100) and LOCAL_CANCEL_CONCURRENCY (4): the local Lambda's execution
 *   environments; the agent's own settings (AGENT_MAX_SESSIONS, OFFLINE_*, ...) pass through
 *   (./dev-settings.ts). LOCAL_AGENTCORE_BUSY_SESSION (run|queue|reject) and LOCAL_AGENTCORE_STOP_SESSION
 *   (terminate|keep): the AgentCore emulator's switches (./agentcore/behaviour.ts).
 * - Ctrl-C (SIGINT) or SIGTERM stops everything; if a child dies, everything stops with exit code 1.
 * - Nothing reaches the network: offline model; wrangler's metrics, cf fetch and update check off.
 */
import { existsSync, rmSync } from 'node:fs'
import { delimiter, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startChild, run, stopChild, waitForHttp, withOpenFileLimit, type Child } from './children'
import { startLocalCloud, STAGE, type AgentRuntimeKind } from './cloud'
import { ensureCookieSecret, planDevVars, wranglerUpstreamUrl, writeLocalUpstreamVars } from './dev-vars'
import { agentSettingsFromEnv, DEFAULT_LOCAL_CANCEL_CONCURRENCY, DEFAULT_LOCAL_LAMBDA_CONCURRENCY, positiveIntegerFromEnv } from './dev-settings'
import { limitsFromEnv } from './api-gateway/limits'
import { behaviourFromEnv } from './agentcore/behaviour'
import { PortBusyError, LOCAL_HOST, assertPortFree } from './listen'
import { startReaper } from './reaper'
import { ensurePythonEnv, PythonSetupError } from './python/env'
import { isUpstreamKind, UPSTREAM_KINDS, type UpstreamKind } from '../../protocol/upstream-kinds'
import { LOCAL_PATHS, PATH_LABELS, workerVarsFor, writeWorkerVarsFile } from './worker-vars'
import { startLocalIssuer, type LocalIssuer } from './sign-in-issuer'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const preview = process.argv.includes('--preview')
const signIn = process.argv.includes('--sign-in')
const AGENT_LABELS: Record<AgentRuntimeKind, string> = { typescript: 'TypeScript agent (aws/agent)', python: 'Python agent (aws/agent-python)' }

/** `--agent python`, `--agent=typescript`; default typescript. */
function agentFromArgs(args: readonly string[]): AgentRuntimeKind {
  const i = args.findIndex((a) => a === '--agent' || a.startsWith('--agent='))
  if (i < 0) return 'typescript'
  const value = args[i].includes('=') ? args[i].slice('--agent='.length) : args[i + 1]
  if (value === 'typescript' || value === 'python') return value
  throw new Error(`--agent must be typescript or python, got "${value ?? ''}"`)
}

/** `--upstream invoke-stream`, `--upstream=function-url`; default rest. */
function upstreamFromArgs(args: readonly string[]): UpstreamKind {
  const i = args.findIndex((a) => a === '--upstream' || a.startsWith('--upstream='))
  if (i < 0) return 'rest'
  const value = args[i].includes('=') ? args[i].slice('--upstream='.length) : args[i + 1]
  if (!isUpstreamKind(value)) throw new Error(`--upstream must be one of ${UPSTREAM_KINDS.join(', ')}, got "${value ?? ''}"`)
  if (!LOCAL_PATHS.includes(value)) throw new Error(`--upstream ${value}: the local cloud serves ${LOCAL_PATHS.join(', ')} so far`)
  return value
}

const say = (line = '') => process.stdout.write(line + '\n')
const warn = (line: string) => process.stdout.write(`\n  ! ${line}\n\n`)

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`${name} must be a port number (1–65535), got "${raw}"`)
  return n
}

async function main(): Promise<number> {
  const started = Date.now()
  const agentRuntime = agentFromArgs(process.argv.slice(2))
  const upstream = upstreamFromArgs(process.argv.slice(2))
  const webPort = portFromEnv('DEV_PORT', preview ? 8787 : 5173)
  const defaultApiPort = portFromEnv('LOCAL_API_PORT', 8788)
  const defaultUrl = `http://${LOCAL_HOST}:${defaultApiPort}/${STAGE}/invoke`
  // LOCAL_DEV_VARS_PATH exists for dev.test.ts: the Worker then reads that file instead of ./.dev.vars.
  const devVarsPath = process.env.LOCAL_DEV_VARS_PATH || `${ROOT}.dev.vars`
  const devVars = planDevVars(devVarsPath, defaultUrl, wranglerUpstreamUrl(`${ROOT}wrangler.toml`))

  say(`edge-agent-chat ${preview ? 'preview' : 'dev'}: starting the local cloud (${AGENT_LABELS[agentRuntime]} on the offline model, AgentCore, Lambda, API Gateway)…`)
  say(`  streaming path: ${upstream} — ${PATH_LABELS[upstream]}`)
  if (devVars.file === 'created') say(`  wrote .dev.vars (UPSTREAM_URL=${devVars.upstreamUrl}, a fresh UPSTREAM_API_KEY and local AWS keys)`)
  else if (devVars.file === 'keys-added') say('  using the existing .dev.vars; added local UPSTREAM_AWS_* keys (the local API Gateway checks SigV4)')
  else say('  using the existing .dev.vars')
  if (ensureCookieSecret(devVarsPath)) say('  added OWNER_COOKIE_SECRET to .dev.vars (signs the anonymous identity cookie)')
  if (!devVars.local) {
    warn(
      `.dev.vars sets UPSTREAM_URL=${devVars.upstreamUrl}: the app will call that, not the local cloud.\n` +
        '    Remove UPSTREAM_URL and UPSTREAM_API_KEY from .dev.vars (or the file) to use the local cloud.',
    )
  } else if (!devVars.apiKey) {
    warn('.dev.vars has no UPSTREAM_API_KEY: the app will get 403 from the local API Gateway.\n    Delete .dev.vars and run again to get one written.')
  } else if (!devVars.workerKeys) {
    warn('.dev.vars has only one of UPSTREAM_AWS_ACCESS_KEY_ID and UPSTREAM_AWS_SECRET_ACCESS_KEY: the app will get 403.\n    Delete .dev.vars and run again to get both written.')
  }

  // Settings first: a bad value is a message, not a half-started cloud.
  const agentSettings = agentSettingsFromEnv(process.env)
  const lambdaConcurrency = positiveIntegerFromEnv(process.env, 'LOCAL_LAMBDA_CONCURRENCY', DEFAULT_LOCAL_LAMBDA_CONCURRENCY)
  const cancelConcurrency = positiveIntegerFromEnv(process.env, 'LOCAL_CANCEL_CONCURRENCY', DEFAULT_LOCAL_CANCEL_CONCURRENCY)
  const agentCoreBehaviour = behaviourFromEnv(process.env)

  // The web server's port first: finding it busy after a 2-second start would be a poor welcome.
  await assertPortFree(webPort, preview ? 'wrangler dev' : 'Vite dev server')
  if (agentRuntime === 'python') await ensurePythonEnv((line) => say(`  ${line}`))
  const cloud = await startLocalCloud({
    agentRuntime,
    ports: {
      // A LOCAL_API_PORT given now wins over the port a .dev.vars of an earlier run names.
      apiGateway: devVars.local && !process.env.LOCAL_API_PORT ? devVars.port : defaultApiPort,
      agentCore: portFromEnv('LOCAL_AGENTCORE_PORT', 8789),
      agent: portFromEnv('LOCAL_AGENT_PORT', 8790),
    },
    apiKey: devVars.local ? devVars.apiKey : undefined,
    workerKeys: devVars.local ? devVars.workerKeys : undefined,
    limits: limitsFromEnv(),
    agent: agentSettings,
    lambdaConcurrency,
    cancelConcurrency,
    agentCoreBehaviour,
    lambdaAgent: upstream === 'lambda-agent',
    log: (source, line) => say(`[${source}] ${line}`),
  })
  say(`  local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  say(`    API Gateway  POST ${cloud.invokeUrl}   POST ${cloud.cancelUrl}   (SigV4 + x-api-key required)`)
  say(`    AgentCore    ${cloud.agentCoreEndpoint}   runtime ${cloud.agentRuntimeArn}`)
  say(`                 busy session: ${agentCoreBehaviour.busySession} (LOCAL_AGENTCORE_BUSY_SESSION), StopRuntimeSession: ${agentCoreBehaviour.stopSession} (LOCAL_AGENTCORE_STOP_SESSION)`)
  const versions = 'versions' in cloud.agent ? ` — bedrock-agentcore ${cloud.agent.versions['bedrock-agentcore']}, strands-agents ${cloud.agent.versions['strands-agents']}` : ''
  say(`    agent        ${cloud.agentUrl}   ${AGENT_LABELS[agentRuntime]}, offline model${versions}`)
  say(`    Lambda       up to ${lambdaConcurrency} at once (LOCAL_LAMBDA_CONCURRENCY); cancel function: its own ${cancelConcurrency} (LOCAL_CANCEL_CONCURRENCY)`)

  const pathTarget = { 'invoke-stream': `${cloud.lambdaEndpoint} function ${cloud.functionName}`, websocket: `${cloud.webSocketApi.url}   @connections ${cloud.webSocketApi.managementEndpoint}` } as Partial<Record<UpstreamKind, string>>
  if (upstream === 'lambda-agent' && cloud.lambdaAgent) {
    say(`    lambda-agent POST ${cloud.lambdaAgent.invokeUrl}   (its own API, SigV4 + x-api-key) → the agent inside the Lambda (aws/lambda-agent under aws-lambda-ric, offline model)`)
  } else if (upstream !== 'rest') say(`    ${upstream.padEnd(12)} ${pathTarget[upstream] ?? cloud.functionUrlInvoke}   (SigV4 required)`)
  if (upstream !== 'rest' && !devVars.local) warn(`--upstream ${upstream} applies to the local cloud only: .dev.vars points the app elsewhere.`)

  // The Worker reads .dev.vars, then (local cloud only) this run's upstream settings, which win.
  const localVars = upstream === 'rest' ? writeLocalUpstreamVars(cloud) : writeWorkerVarsFile({ ...workerVarsFor(cloud, upstream), UPSTREAM_CANCEL_URL: '' })
  const workerVarsFiles = devVars.local ? [devVarsPath, localVars] : [devVarsPath]
  if (workerVarsFiles[1]) process.once('exit', () => rmSync(dirname(workerVarsFiles[1]!), { recursive: true, force: true }))
  let issuer: LocalIssuer | undefined
  if (signIn) {
    issuer = await startLocalIssuer()
    const signInVars = writeWorkerVarsFile(issuer.workerVars())
    workerVarsFiles.push(signInVars)
    process.once('exit', () => rmSync(dirname(signInVars), { recursive: true, force: true }))
    say(`    sign-in      local issuer ${issuer.issuer}, JWKS ${issuer.jwksUrl}, audience ${issuer.audience}`)
    say(`                 curl -H 'Authorization: Bearer ${await issuer.token('dev-user')}' …   (user dev-user, 12 h)`)
  }
  if (devVars.local && devVars.upstreamUrl !== cloud.invokeUrl) say(`  .dev.vars names ${devVars.upstreamUrl}; the app uses this run's ${cloud.invokeUrl}`)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGE_DEV_VARS_FILES: workerVarsFiles.join(delimiter),
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    // wrangler's banner asks the npm registry for a newer version; the banner is all it adds.
    WRANGLER_HIDE_BANNER: 'true',
  }
  if (preview) {
    say('  building the app (npm run build)…')
    const code = await run('npm', ['run', 'build'], env)
    if (code !== 0) {
      await cloud.stop()
      say(`npm run build failed (exit ${code}).`)
      return 1
    }
  }
  const web: Child = preview
    ? startChild(
        'wrangler (preview)',
        // The build under wrangler's startWorker API with its inspector off (./preview-server.ts says
        // why), under a raised open-file limit: each open stream holds several descriptors (./children.ts).
        ...withOpenFileLimit(process.execPath, [
          '--import',
          pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href,
          `${ROOT}aws/local/preview-server.ts`,
          LOCAL_HOST,
          String(webPort),
          ...workerVarsFiles,
        ]),
        env,
        (l) => say(`[wrangler] ${l}`),
      )
    : startChild('vite', process.execPath, [`${ROOT}node_modules/vite/bin/vite.js`, '--host', LOCAL_HOST, '--port', String(webPort), '--strictPort'], env, (l) =>
        say(`[vite] ${l}`),
      )

  // If this process dies without stopping them (SIGKILL, a crash), the reaper ends the web server's
  // process group and the Python agent; the Lambda processes end themselves when their Runtime API goes.
  const reaper = startReaper()
  reaper.watchGroup(web.process.pid)
  if ('process' in cloud.agent) reaper.watch(cloud.agent.process.pid)

  let stopping: Promise<void> | undefined
  const shutdown = async (code: number, why: string): Promise<never> => {
    // The first reason wins; later ones (the web server exiting because we stopped it) wait for it.
    if (!stopping) {
      say(`\n${why}: stopping…`)
      stopping = Promise.all([stopChild(web), cloud.stop(), issuer?.stop()]).then(() => {
        reaper.dismiss()
        say('stopped.')
      })
      await stopping
      process.exit(code)
    }
    await stopping
    return new Promise<never>(() => {})
  }
  // The agent, AgentCore and API Gateway run in this process: if one of them throws where nobody
  // catches it, stop the children too rather than leave a web server with no cloud behind it.
  process.once('uncaughtException', (err) => void shutdown(1, `local cloud failed: ${err.stack ?? err.message}`))
  process.once('unhandledRejection', (err) => void shutdown(1, `local cloud failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`))
  process.once('SIGINT', () => void shutdown(0, 'Ctrl-C'))
  process.once('SIGTERM', () => void shutdown(0, 'SIGTERM'))
  void web.exited.then((code) => shutdown(1, `${web.name} exited (code ${code})`))
  if ('process' in cloud.agent) cloud.agent.process.once('exit', (code) => void shutdown(1, `the Python agent exited (code ${code})`))

  const url = `http://${LOCAL_HOST}:${webPort}/`
  if (await waitForHttp(url, 120_000, () => web.process.exitCode === null)) {
    say('')
    say(`  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open ${url}`)
    say('  Ctrl-C stops everything.')
    say('')
  } else if (stopping === undefined) {
    await shutdown(1, `${web.name} did not answer at ${url}`)
  }
  return await new Promise<number>(() => {}) // runs until a signal or a child's death
}

if (!existsSync(`${ROOT}node_modules`)) {
  say('node_modules is missing: run `npm ci` first.')
  process.exit(1)
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof PythonSetupError) {
      say(`\n${err.message}`)
    } else if (err instanceof PortBusyError) {
      say(`\n${err.message}\nEnvironment overrides: DEV_PORT, LOCAL_API_PORT, LOCAL_AGENTCORE_PORT, LOCAL_AGENT_PORT.`)
    } else say(`\nCould not start: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  },
)
