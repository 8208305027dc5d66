import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en'
import { ToolCallsView } from './tool-calls'

describe('ToolCallsView', () => {
  it('shows a call when it starts and completes the same element when it ends or fails', () => {
    const turn = document.createElement('li')
    const answer = document.createElement('div')
    turn.appendChild(answer)
    const view = new ToolCallsView(turn, answer, en)
    view.apply({ name: 'calculator', status: 'start', id: 't1', input: { expression: '6 * 7' } })
    const call = turn.querySelector('details.tool-call')!
    expect(turn.firstElementChild?.className).toBe('tool-calls')
    expect(call.querySelector('summary')!.textContent).toBe('calculator running…')
    expect(call.getAttribute('data-status')).toBe('start')
    expect(call.querySelector('pre')!.textContent).toBe('{\n  "expression": "6 * 7"\n}')

    view.apply({ name: 'calculator', status: 'end', id: 't1', result: '{"result":"42"}' })
    expect(turn.querySelectorAll('details.tool-call')).toHaveLength(1)
    expect(call.querySelector('summary')!.textContent).toBe('calculator done')
    expect([...call.querySelectorAll('.tool-label')].map((l) => l.textContent)).toEqual(['Input', 'Result'])
    expect(call.querySelectorAll('pre')[1].textContent).toBe('{\n  "result": "42"\n}')

    view.apply({ name: 'convert_units', status: 'start', id: 't2', input: { value: 1, from: 'kg', to: 'm' } })
    view.apply({ name: 'convert_units', status: 'error', id: 't2', result: 'Units do not match' })
    const failed = turn.querySelectorAll('details.tool-call')[1]
    expect(failed.getAttribute('data-status')).toBe('error')
    expect(failed.querySelector('summary')!.textContent).toBe('convert_units failed')
    expect(failed.querySelectorAll('pre')[1].textContent).toBe('Units do not match')
  })
})
