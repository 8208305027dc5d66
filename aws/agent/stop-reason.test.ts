import { describe, expect, it } from 'vitest'
import { isToolUse, toStopReason } from './stop-reason'

describe('toStopReason', () => {
  it('maps Strands TypeScript and Bedrock / Strands Python stop reasons alike', () => {
    expect(['endTurn', 'end_turn', 'stopSequence', 'stop_sequence', 'guardrailIntervened', 'content_filtered'].map(toStopReason)).toEqual(Array(6).fill('end_turn'))
    expect(['maxTokens', 'max_tokens', 'limitOutputTokens'].map(toStopReason)).toEqual(Array(3).fill('max_tokens'))
    expect(toStopReason('cancelled')).toBe('cancelled')
    expect(toStopReason('error')).toBe('error')
    expect(toStopReason(undefined)).toBe('end_turn')
  })
  it('knows a tool use from the end of an answer', () => {
    expect([isToolUse('tool_use'), isToolUse('toolUse'), isToolUse('end_turn')]).toEqual([true, true, false])
  })
})
