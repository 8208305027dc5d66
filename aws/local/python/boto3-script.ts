import { spawn } from 'node:child_process'
import { venvPython } from './env'

/**
 * For tests: runs one of the boto3 client scripts (aws/local/agentcore/boto3_client.py,
 * aws/local/lambda-api/boto3_lambda_client.py) in the venv with only `keys` as credentials (no
 * profile, config file or instance metadata, so nothing can reach AWS) and returns its JSON lines.
 * Exit code 2 is the scripts' "AWS answered with an error", reported in the lines.
 */
export function runBoto3Script<Line>(script: string, args: string[], keys: { accessKeyId: string; secretAccessKey: string }): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython(), [script, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        PYTHONIOENCODING: 'utf-8',
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code !== 0 && code !== 2) return reject(new Error(`${script} exited ${code}: ${err}`))
      resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line))
    })
  })
}
