import { env } from 'cloudflare:test'
import { inject } from 'vitest'
import type { SeenRequest } from '../../test-support/test-upstream'

/** Talks to the test upstream (test-support/test-upstream.ts) from tests running inside workerd. */
export const upstreamUrl = () => inject('upstreamUrl')

export async function seen(): Promise<SeenRequest[]> {
  return (await fetch(`${upstreamUrl()}/__seen`)).json()
}

/** Requests the upstream saw whose body contains `marker`. */
export async function seenWith(marker: string): Promise<SeenRequest[]> {
  return (await seen()).filter((r) => r.body.includes(marker))
}

export async function release(marker: string): Promise<void> {
  await fetch(`${upstreamUrl()}/__release?marker=${encodeURIComponent(marker)}`, { method: 'POST' })
}

export const marker = () => `m${crypto.randomUUID().replaceAll('-', '')}`

/** The edge principal's keys from the Worker's bindings (app/vitest.config.ts), as readConfig's input. */
export function awsVars(): Record<string, string> {
  return {
    UPSTREAM_AWS_ACCESS_KEY_ID: env.UPSTREAM_AWS_ACCESS_KEY_ID ?? '',
    UPSTREAM_AWS_SECRET_ACCESS_KEY: env.UPSTREAM_AWS_SECRET_ACCESS_KEY ?? '',
    UPSTREAM_AWS_REGION: env.UPSTREAM_AWS_REGION ?? '',
  }
}
