import { inject } from 'vitest'
import type { SeenRequest } from '../../e2e/test-upstream'

/** Talks to the test upstream (e2e/test-upstream.ts) from tests running inside workerd. */
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

/** Polls until `check` holds (bounded: at most `tries` × 50 ms); returns the last value. */
export async function eventually<T>(get: () => Promise<T>, check: (v: T) => boolean, tries = 100): Promise<T> {
  let value = await get()
  for (let i = 0; i < tries && !check(value); i++) {
    await new Promise((r) => setTimeout(r, 50))
    value = await get()
  }
  return value
}

export const marker = () => `m${crypto.randomUUID().replaceAll('-', '')}`
