/**
 * One runtime process: aws-lambda-ric's JavaScript running the function, with its native addon's calls
 * made over node:http (./rapid-client), in the environment Lambda gives a function (./lambda-env.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { REGISTER_PATH } from './rapid-client'

const ricEntry = createRequire(import.meta.url).resolve('aws-lambda-ric')

export interface RuntimeProcessOptions {
  /** Node binary; default process.execPath. */
  nodePath?: string
  /** The process's cwd (LAMBDA_TASK_ROOT). */
  codeDir: string
  /** Its whole environment. */
  env: Record<string, string>
  onLine: (line: string, stream: 'stdout' | 'stderr') => void
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void
}

export function spawnRuntimeProcess(options: RuntimeProcessOptions): ChildProcess {
  const child = spawn(options.nodePath ?? process.execPath, ['--require', REGISTER_PATH, ricEntry], {
    cwd: options.codeDir,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => options.onLine(line, stream))
  }
  child.on('exit', options.onExit)
  return child
}
