/**
 * The Python agent's virtual environment: aws/agent-python/.venv, made from the hashed lock file
 * aws/agent-python/requirements.txt with pip's --require-hashes (nothing but PyPI, nothing unpinned).
 * `npm run setup:python` runs this; `npm run dev -- --agent python` and the Python tests call it too.
 * A stamp in the venv holds the lock's SHA-256, so an unchanged lock costs one file read.
 *
 * Python stays optional: nothing else in the project needs it.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PYTHON_AGENT_DIR = fileURLToPath(new URL('../../agent-python/', import.meta.url))
export const VENV_DIR = join(PYTHON_AGENT_DIR, '.venv')
export const LOCK_FILE = join(PYTHON_AGENT_DIR, 'requirements.txt')
const STAMP = join(VENV_DIR, '.requirements.sha256')
const MIN_PYTHON: [number, number] = [3, 10]

export class PythonSetupError extends Error {
  override name = 'PythonSetupError'
}

/** The venv's interpreter (Windows keeps it in Scripts\). */
export function venvPython(): string {
  return process.platform === 'win32' ? join(VENV_DIR, 'Scripts', 'python.exe') : join(VENV_DIR, 'bin', 'python')
}

function lockDigest(): string {
  return createHash('sha256').update(readFileSync(LOCK_FILE)).digest('hex')
}

/** True when the venv exists and was installed from the current lock file. */
export function pythonEnvReady(): boolean {
  return existsSync(venvPython()) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === lockDigest()
}

/**
 * Creates or updates the venv when the lock changed. `python` is the interpreter that creates it:
 * PYTHON from the environment, else python3 (python on Windows).
 */
export async function ensurePythonEnv(say: (line: string) => void = () => {}): Promise<string> {
  if (pythonEnvReady()) return venvPython()
  const python = process.env.PYTHON || (process.platform === 'win32' ? 'python' : 'python3')
  const versionOut = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']).catch((err: Error) => {
    throw new PythonSetupError(`The Python agent needs Python ${MIN_PYTHON.join('.')}+ (set PYTHON to its path): ${err.message}`)
  })
  const [major, minor] = versionOut.trim().split('.').map(Number)
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new PythonSetupError(`The Python agent needs Python ${MIN_PYTHON.join('.')}+, ${python} is ${versionOut.trim()} (set PYTHON to another one).`)
  }
  say(`setting up the Python agent's environment (aws/agent-python/.venv, Python ${versionOut.trim()}) from requirements.txt…`)
  if (!existsSync(venvPython())) await run(python, ['-m', 'venv', VENV_DIR])
  // --no-deps: the lock pins every package (pip-compile's output), so nothing may come in beside it.
  await run(venvPython(), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--require-hashes', '--no-deps', '-r', LOCK_FILE])
  writeFileSync(STAMP, lockDigest() + '\n')
  say('  Python environment ready.')
  return venvPython()
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new PythonSetupError(`${command} ${args.join(' ')} failed (exit ${code}): ${err.trim().slice(-2000)}`))))
  })
}
