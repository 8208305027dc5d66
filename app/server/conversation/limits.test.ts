import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_CONVERSATION_BYTES, DEFAULT_MAX_CONVERSATIONS_PER_OWNER, readLimits } from './limits'

describe('readLimits', () => {
  it('defaults to a 15-minute turn (API Gateway’s stream cap), 200 conversations per owner and 4 MiB per conversation', () => {
    expect(readLimits({})).toEqual({ maxTurnMs: 15 * 60 * 1000, maxConversationsPerOwner: 200, maxConversationBytes: 4 * 1024 * 1024 })
    expect(DEFAULT_MAX_CONVERSATIONS_PER_OWNER).toBe(200)
    expect(DEFAULT_MAX_CONVERSATION_BYTES).toBe(4 * 1024 * 1024)
  })

  it('takes whole positive numbers from the vars and ignores anything else', () => {
    expect(readLimits({ MAX_TURN_SECONDS: '60', MAX_CONVERSATIONS_PER_OWNER: '3', MAX_CONVERSATION_BYTES: '1000' })).toEqual({
      maxTurnMs: 60_000,
      maxConversationsPerOwner: 3,
      maxConversationBytes: 1000,
    })
    for (const bad of ['0', '-5', '1.5', 'abc', '']) expect(readLimits({ MAX_TURN_SECONDS: bad }).maxTurnMs).toBe(15 * 60 * 1000)
  })
})
