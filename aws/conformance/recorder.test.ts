import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bodyMatches } from './fixture-format'
import { Recorder } from './recorder'

describe('Recorder', () => {
  it('writes redacted fixtures naming their source, only when given a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-rec-'))
    const rec = new Recorder({ dir, target: 'aws', secrets: ['the-api-key-value'], now: new Date('2026-12-01T12:00:00Z') })
    rec.recordGateway('wrong-api-key', 'refusals', {
      request: { method: 'POST', path: '/invoke', signing: 'signed', apiKey: 'wrong', contentType: 'application/json', body: '{"x":"the-api-key-value"}' },
      response: { status: 403, headers: { 'x-amzn-errortype': 'ForbiddenException' }, body: { message: 'Forbidden' } },
      notes: 'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/invoke',
    })
    rec.recordObservation('busy-session', 'sessions', { mode: 'queue' })
    const paths = rec.flush()
    expect(paths.map((p) => p.slice(dir.length))).toEqual(['/api-gateway/wrong-api-key.json', '/observations/busy-session.json'])
    const written = readFileSync(paths[0], 'utf8')
    expect(JSON.parse(written).source).toBe('recorded against AWS on 2026-12-01 by npm run conformance -- --target aws (contract: refusals)')
    expect(written).not.toContain('the-api-key-value')
    expect(written).not.toContain('111122223333')
    expect(JSON.parse(readFileSync(paths[1], 'utf8'))).toMatchObject({ mode: 'queue' })
    expect(new Recorder({ target: 'local', secrets: [] }).flush()).toEqual([])
    expect(readdirSync(dir).sort()).toEqual(['api-gateway', 'observations'])
  })
})

describe('bodyMatches', () => {
  it('compares exactly, or by prefix for messages that echo the request', () => {
    expect(bodyMatches({ message: 'Forbidden' }, { message: 'Forbidden' })).toBe(true)
    expect(bodyMatches({ message: 'Forbidden' }, { message: 'Forbidden!' })).toBe(false)
    expect(bodyMatches({ message: 'The request signature' }, { message: 'The request signature we calculated…' }, 'prefix')).toBe(true)
    expect(bodyMatches({ message: 'The request signature' }, { Message: 'x' }, 'prefix')).toBe(false)
  })
})
