/**
 * Turns what a conformance run saw into fixtures: API Gateway exchanges in the format
 * aws/local/fixtures/fixtures.test.ts replays (./fixture-format.ts), and observations (session
 * semantics, arrival spacing) as JSON of their own. Everything is redacted (./redact.ts) before it is
 * written; nothing is written unless a directory was given.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GatewayFixture } from './fixture-format'
import { redact } from './redact'

export interface RecorderOptions {
  /** Where to write; undefined: record nothing. */
  dir?: string
  target: 'local' | 'aws'
  /** The run's secrets (API key, secret key, session token): never written. */
  secrets: readonly string[]
  now?: Date
}

export class Recorder {
  private readonly gateway = new Map<string, GatewayFixture>()
  private readonly observations = new Map<string, unknown>()
  readonly date: string

  constructor(private readonly opts: RecorderOptions) {
    this.date = (opts.now ?? new Date()).toISOString().slice(0, 10)
  }

  /** "recorded against AWS on <date>" (or the local cloud), naming the contract that recorded it. */
  source(contract: string): string {
    const where = this.opts.target === 'aws' ? 'AWS' : 'the local cloud'
    return `recorded against ${where} on ${this.date} by npm run conformance${this.opts.target === 'aws' ? ' -- --target aws' : ''} (contract: ${contract})`
  }

  recordGateway(name: string, contract: string, fixture: Omit<GatewayFixture, 'source'>): void {
    this.gateway.set(name, { source: this.source(contract), ...fixture })
  }

  recordObservation(name: string, contract: string, data: Record<string, unknown>): void {
    this.observations.set(name, { source: this.source(contract), ...data })
  }

  /** Writes every record (redacted); returns the paths written. */
  flush(): string[] {
    const dir = this.opts.dir
    if (!dir) return []
    const written: string[] = []
    const write = (sub: string, name: string, value: unknown) => {
      mkdirSync(join(dir, sub), { recursive: true })
      const path = join(dir, sub, `${name}.json`)
      writeFileSync(path, JSON.stringify(redact(value, { secrets: this.opts.secrets }), null, 2) + '\n')
      written.push(path)
    }
    for (const [name, f] of this.gateway) write('api-gateway', name, f)
    for (const [name, o] of this.observations) write('observations', name, o)
    return written
  }
}
