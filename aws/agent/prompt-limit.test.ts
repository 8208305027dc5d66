import { describe, expect, it } from 'vitest'
import * as protocol from '../../protocol/request'
import { countChars, DEFAULT_MAX_PROMPT_CHARS, fitsPromptLimit } from './prompt-limit'

// The agent keeps a copy of the protocol's prompt limit (it cannot import it: aws/agent/Dockerfile
// builds from aws/agent alone). These checks fail as soon as the two disagree.
describe("the agent's copy of the prompt limit", () => {
  const samples = ['', 'a', 'héllo', '👋', '👋'.repeat(5), 'e\u0301', '日本語', '🇫🇷x', 'a'.repeat(16_001), '😀'.repeat(16_000), '😀'.repeat(16_001)]

  it('has the same default', () => {
    expect(DEFAULT_MAX_PROMPT_CHARS).toBe(protocol.DEFAULT_MAX_PROMPT_CHARS)
  })

  it('accepts and refuses exactly the prompts the protocol does, at the default and at a lower limit', () => {
    for (const limit of [protocol.DEFAULT_MAX_PROMPT_CHARS, 5]) {
      for (const prompt of samples.filter((p) => p.trim() !== '')) {
        const edge = protocol.validateInvoke({ prompt }, limit)
        expect(fitsPromptLimit(prompt, limit), `${prompt.slice(0, 12)}… at ${limit}`).toBe(edge.ok)
      }
    }
  })

  it('counts code points', () => {
    expect(samples.slice(0, 8).map(countChars)).toEqual([0, 1, 5, 1, 5, 2, 3, 3])
  })
})
