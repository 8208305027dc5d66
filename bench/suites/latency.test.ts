import { describe, expect, it } from 'vitest'
import { pairedDelays } from './latency'

const at = (seq: number, receivedAt: number) => ({ seq, sentAt: seq * 10, receivedAt, read: seq + 1 })

describe('pairedDelays', () => {
  it('subtracts each chunk’s direct twin, matched by sequence number', () => {
    expect(pairedDelays([at(0, 1.5), at(1, 11.25), at(2, 40)], [at(0, 1.25), at(1, 11), at(2, 21)])).toEqual([0.25, 0.25, 19])
  })

  it('leaves out chunks the twin did not get', () => {
    expect(pairedDelays([at(0, 2), at(1, 12), at(2, 22)], [at(0, 1), at(2, 21)])).toEqual([1, 1])
  })
})
