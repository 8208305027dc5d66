import { randomBytes } from 'node:crypto'

/** The edge principal's access key: the Worker signs with it (UPSTREAM_AWS_* in .dev.vars). */
export interface WorkerKeys {
  accessKeyId: string
  secretAccessKey: string
}

/** A fresh local key pair, shaped like IAM's (AKIA + 16 characters; a 40-character secret). */
export function newWorkerKeys(): WorkerKeys {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const id = Array.from(randomBytes(16), (b) => alphabet[b % 32]).join('')
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') }
}
