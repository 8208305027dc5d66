import { describe, expect, it } from 'vitest'
import { en } from '../i18n/en'
import { ja } from '../i18n/ja'
import { errorText } from './error-text'

describe('errorText', () => {
  it('says a refused or failed request in the page’s language, by its code, not in the server’s English', () => {
    const served = '"prompt" is limited to 16000 characters.'
    expect(errorText('prompt_too_large', served, en, { max: '16,000' })).toBe('The message is longer than the limit of 16,000 characters: shorten it and send it again.')
    expect(errorText('prompt_too_large', served, ja, { max: '16,000' })).toBe('メッセージが上限の 16,000 文字を超えています。短くしてから送信してください。')
    expect(errorText('conversation_busy', 'An answer is still running in this conversation: …', ja, { max: '' })).toBe(ja.errorConversationBusy)
    expect(errorText('stream_interrupted', 'The answer was cut off when the edge restarted.', ja, { max: '' })).toBe(ja.errorInterrupted)
  })

  it('keeps the server’s message for a code it has no words for (an agent’s own error) or no code at all', () => {
    expect(errorText('agent_error', 'The model failed: ThrottlingException', ja, { max: '' })).toBe('The model failed: ThrottlingException')
    expect(errorText(undefined, 'The server answered 502.', en, { max: '' })).toBe('The server answered 502.')
  })
})
