/**
 * The local cloud in a process of its own, for the load suite (bench/suites/load.ts): its memory is
 * then this process's (API Gateway, Lambda API and AgentCore emulators and the TypeScript agent, all
 * in one Node process) plus its children's (the Lambda runtime processes), apart from the bench's
 * client. Started as `node --import tsx bench/load-cloud.ts '<LoadCloudOptions as JSON>'`; prints one
 * JSON line (LoadCloudReady) when it serves, answers each `stats` line on stdin with one JSON line
 * (LoadCloudStats), and stops the cloud when stdin ends or on SIGTERM.
 */
import { createInterface } from 'node:readline'
import { startLocalCloud } from '../aws/local/cloud'
import { workerVarsFor } from '../aws/local/worker-vars'

export interface LoadCloudOptions {
  lambdaConcurrency: number
  offline: { firstTokenMs: number; tokensPerSecond: number }
  /** Rebuild aws/lambda/dist first (the bench does; a test that built it already need not). */
  build: boolean
}

export interface LoadCloudReady {
  /** The Worker's vars for the rest path to this cloud (aws/local/worker-vars.ts). */
  workerVars: Record<string, string>
  /** The cancel function's name: its runtime processes are told apart from the invoke function's by it. */
  cancelFunctionName: string
}

export interface LoadCloudStats {
  invocations: number
  spawned: number
  cancelInvocations: number
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadCloudOptions
const cloud = await startLocalCloud({
  build: options.build,
  lambdaConcurrency: options.lambdaConcurrency,
  // The offline model at the asked pace; sessions enough for every chat of every burst.
  agent: { offline: options.offline, maxSessions: 1_000 },
})
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await cloud.stop()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
const ready: LoadCloudReady = { workerVars: workerVarsFor(cloud, 'rest'), cancelFunctionName: cloud.cancelFunctionName }
process.stdout.write(JSON.stringify(ready) + '\n')
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() !== 'stats') return
    const stats: LoadCloudStats = {
      invocations: cloud.lambda.stats().invocations,
      spawned: cloud.lambda.stats().spawned,
      cancelInvocations: cloud.cancelLambda.stats().invocations,
    }
    process.stdout.write(JSON.stringify(stats) + '\n')
  })
  .on('close', () => void stop())
