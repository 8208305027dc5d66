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
