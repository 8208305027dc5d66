import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en'
import { MAX_BRIEF_CHARS, ToolCallsView } from './tool-calls'

/** A turn's element with its answer inside, and the tool calls' view of it. */
function viewInTurn(): { turn: HTMLElement; view: ToolCallsView } {
  const turn = document.createElement('li')
  const answer = document.createElement('div')
  turn.appendChild(answer)
  return { turn, view: new ToolCallsView(turn, answer, en) }
}

describe('ToolCallsView', () => {
  it('shows a call when it starts and completes the same element when it ends or fails', () => {
    const { turn, view } = viewInTurn()
    view.apply({ name: 'calculator', status: 'start', id: 't1', input: { expression: '6 * 7' } })
    const call = turn.querySelector('details.tool-call')!
    expect(turn.firstElementChild?.className).toBe('tool-calls')
    expect(call.querySelector('summary')!.textContent).toBe('calculator 6 * 7 running…')
    expect(call.getAttribute('data-status')).toBe('start')
    expect(call.querySelector('pre')!.textContent).toBe('{\n  "expression": "6 * 7"\n}')

    view.apply({ name: 'calculator', status: 'end', id: 't1', result: '{"result":"42"}' })
    expect(turn.querySelectorAll('details.tool-call')).toHaveLength(1)
    expect(call.querySelector('summary')!.textContent).toBe('calculator 6 * 7 done')
    expect([...call.querySelectorAll('.tool-label')].map((l) => l.textContent)).toEqual(['Input', 'Result'])
    expect(call.querySelectorAll('pre')[1].textContent).toBe('{\n  "result": "42"\n}')

    view.apply({ name: 'convert_units', status: 'start', id: 't2', input: { value: 1, from: 'kg', to: 'm' } })
    view.apply({ name: 'convert_units', status: 'error', id: 't2', result: 'Units do not match' })
    const failed = turn.querySelectorAll('details.tool-call')[1]
    expect(failed.getAttribute('data-status')).toBe('error')
    expect(failed.querySelector('summary')!.textContent).toBe('convert_units 1, kg, m failed')
    expect(failed.querySelectorAll('pre')[1].textContent).toBe('Units do not match')
  })

  it('shows several calls of one turn as one element each, in the order they started, whatever order they end in', () => {
    const { turn, view } = viewInTurn()
    view.apply({ name: 'current_time', status: 'start', id: 'a', input: { timeZone: 'Asia/Tokyo' } })
    view.apply({ name: 'current_time', status: 'start', id: 'b', input: { timeZone: 'Europe/London' } })
    view.apply({ name: 'calculator', status: 'start', id: 'c', input: { expression: '12*7' } })
    view.apply({ name: 'calculator', status: 'error', id: 'c', result: 'no' })
    view.apply({ name: 'current_time', status: 'end', id: 'b', result: '"London"' })
    const shown = () =>
      [...turn.querySelectorAll('details.tool-call')].map((call) => [call.getAttribute('data-status'), ...[...call.querySelectorAll('pre')].map((pre) => pre.textContent)])
    expect(shown()).toEqual([
      ['start', '{\n  "timeZone": "Asia/Tokyo"\n}'],
      ['end', '{\n  "timeZone": "Europe/London"\n}', '"London"'],
      ['error', '{\n  "expression": "12*7"\n}', 'no'],
    ])
    view.apply({ name: 'current_time', status: 'end', id: 'a', result: '"Tokyo"' })
    expect(shown()[0]).toEqual(['end', '{\n  "timeZone": "Asia/Tokyo"\n}', '"Tokyo"'])
    expect(turn.querySelectorAll('.tool-calls')).toHaveLength(1)
    // Closed, two calls of one tool are told apart by the brief of their input in the summary.
    expect([...turn.querySelectorAll('summary')].map((s) => s.textContent)).toEqual(['current_time Asia/Tokyo done', 'current_time Europe/London done', 'calculator 12*7 failed'])
  })

  it('briefs an input in the summary: an object by its values, anything else as JSON, a long one cut', () => {
    const { turn, view } = viewInTurn()
    view.apply({ name: 'search', status: 'start', id: '1', input: { query: 'edge', limit: 3, exact: true, filter: { lang: 'ja' } } })
    view.apply({ name: 'echo', status: 'start', id: '2', input: 'plain' })
    view.apply({ name: 'long', status: 'start', id: '3', input: { text: 'x'.repeat(100) } })
    view.apply({ name: 'bare', status: 'start', id: '4' })
    expect([...turn.querySelectorAll('.tool-brief')].map((b) => b.textContent)).toEqual(['edge, 3, true, {"lang":"ja"}', 'plain', 'x'.repeat(MAX_BRIEF_CHARS - 1) + '…'])
    expect(turn.querySelectorAll('summary')[3].textContent).toBe('bare running…')
  })

  it('pairs the events of an agent that sends no ids by tool name: each end completes the oldest running call of its tool', () => {
    const { turn, view } = viewInTurn()
    view.apply({ name: 'current_time', status: 'start' })
    view.apply({ name: 'calculator', status: 'start' })
    view.apply({ name: 'current_time', status: 'start' })
    view.apply({ name: 'calculator', status: 'end', result: '84' })
    view.apply({ name: 'current_time', status: 'end', result: 'first' })
    view.apply({ name: 'current_time', status: 'error', result: 'second' })
    // An end with nothing running to pair it with still shows, on its own.
    view.apply({ name: 'convert_units', status: 'end', result: 'orphan' })
    const shown = [...turn.querySelectorAll('details.tool-call')].map((call) => [call.querySelector('code')?.textContent, call.getAttribute('data-status'), call.querySelector('pre')?.textContent])
    expect(shown).toEqual([
      ['current_time', 'end', 'first'],
      ['calculator', 'end', '84'],
      ['current_time', 'error', 'second'],
      ['convert_units', 'end', 'orphan'],
    ])
  })
})
