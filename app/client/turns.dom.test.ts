import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en'
import { AssistantTurn, type TurnContext } from './turns'

const ctx: TurnContext = { doc: document, strings: () => en, locale: () => 'en' }

/** The usage line's parts by kind (usage-view.ts), as a reader sees them. */
function usageLine(turn: AssistantTurn): Record<string, string> {
  const parts = [...turn.li.querySelectorAll('.usage > span')].map((s) => [s.className.replace('usage-', ''), s.textContent ?? ''])
  return Object.fromEntries(parts)
}

describe('a reopened answer (AssistantTurn restored from GET /api/conversations/:id)', () => {
  it('shows the usage line from its stored usage and timing, as a live answer does: first token, speed, tokens, cost', () => {
    const log = document.createElement('ol')
    const turn = new AssistantTurn(log, ctx, () => {}, true)
    turn.append('an answer')
    turn.restoreStats({ inputTokens: 1200, outputTokens: 300, modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0' }, { firstTextMs: 250, streamedMs: 2000 })
    turn.finish()
    expect(usageLine(turn)).toEqual({
      ttft: 'first token 0.25 s',
      speed: '150.0 tokens/s',
      tokens: '1,200 in / 300 out tokens',
      // (1200 × 1 + 300 × 5) / 1,000,000 USD
      cost: '≈ $0.0027',
    })
  })

  it('shows no speed for an answer still running when it was opened (its text so far is not its whole), and no line without any figure', () => {
    const log = document.createElement('ol')
    const running = new AssistantTurn(log, ctx, () => {}, true)
    running.append('so far')
    running.restoreStats(undefined, { firstTextMs: 1500 })
    running.finish()
    expect(usageLine(running)).toEqual({ ttft: 'first token 1.50 s' })

    const old = new AssistantTurn(log, ctx, () => {}, true)
    old.append('stored before timings were kept')
    old.restoreStats(undefined, undefined)
    old.finish()
    expect(old.li.querySelector('.usage')).toBeNull()
  })
})
