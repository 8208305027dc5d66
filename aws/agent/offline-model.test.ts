import { describe, expect, it } from 'vitest'
import { Agent, Message, TextBlock, type ModelStreamEvent } from '@strands-agents/sdk'
import { OfflineModel } from './offline-model'
import { composeAnswer, tokenize } from './offline-answer'

const user = (text: string) => new Message({ role: 'user', content: [new TextBlock(text)] })
const assistant = (text: string) => new Message({ role: 'assistant', content: [new TextBlock(text)] })

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

describe('OfflineModel', () => {
  it('streams the composed answer word by word, then stop and usage, like a real provider', async () => {
    const model = new OfflineModel({ firstTokenMs: 0, tokensPerSecond: 0 })
    const events = await collect(model.stream([user('first'), assistant('ok'), user('second')]))
    const deltas = events.flatMap((e) => (e.type === 'modelContentBlockDeltaEvent' && e.delta.type === 'textDelta' ? [e.delta.text] : []))
    const expected = composeAnswer({ prompt: 'second', earlier: ['first'] })
    expect(deltas).toEqual(tokenize(expected))
    expect(events[0]).toEqual({ type: 'modelMessageStartEvent', role: 'assistant' })
    expect(events.at(-2)).toEqual({ type: 'modelMessageStopEvent', stopReason: 'endTurn' })
    expect(events.at(-1)).toMatchObject({ type: 'modelMetadataEvent', usage: { outputTokens: deltas.length } })
  })

  it('asks for tools in the events Bedrock ConverseStream gives: one block per call, all in one message, stop reason toolUse', async () => {
    const model = new OfflineModel({ firstTokenMs: 0, tokensPerSecond: 0 })
    const toolSpecs = ['current_time', 'calculator', 'convert_units'].map((name) => ({ name, description: name, inputSchema: { type: 'object' as const } }))
    const withoutMetadata = (events: ModelStreamEvent[]) => events.filter((e) => e.type !== 'modelMetadataEvent')
    const block = (name: string, toolUseId: string, input: object): ModelStreamEvent[] => [
      { type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name, toolUseId } },
      { type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input: JSON.stringify(input) } },
      { type: 'modelContentBlockStopEvent' },
    ]
    const one = await collect(model.stream([user('What time is it in Tokyo?')], { toolSpecs }))
    expect(withoutMetadata(one)).toEqual([
      { type: 'modelMessageStartEvent', role: 'assistant' },
      ...block('current_time', 'tooluse_offline_1', { timeZone: 'Asia/Tokyo' }),
      { type: 'modelMessageStopEvent', stopReason: 'toolUse' },
    ])
    const two = await collect(model.stream([user('What time is it in Tokyo and in London?')], { toolSpecs }))
    expect(withoutMetadata(two)).toEqual([
      { type: 'modelMessageStartEvent', role: 'assistant' },
      ...block('current_time', 'tooluse_offline_1', { timeZone: 'Asia/Tokyo' }),
      ...block('current_time', 'tooluse_offline_1_2', { timeZone: 'Europe/London' }),
      { type: 'modelMessageStopEvent', stopReason: 'toolUse' },
    ])
    // Output tokens: the inputs' characters over four, as for one call.
    expect(two.at(-1)).toMatchObject({ type: 'modelMetadataEvent', usage: { outputTokens: Math.ceil('{"timeZone":"Asia/Tokyo"}{"timeZone":"Europe/London"}'.length / 4) } })
  })

  it('plugs into the Strands agent loop, which keeps the conversation', async () => {
    const agent = new Agent({ model: new OfflineModel(), printer: false })
    const first = await agent.invoke('Hello agent')
    expect(first.stopReason).toBe('endTurn')
    const second = await agent.invoke('Do you remember?')
    expect(String(second.lastMessage.content.map((b) => (b.type === 'textBlock' ? b.text : '')).join(''))).toContain(
      'Earlier you asked: “Hello agent”',
    )
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
  })

  it('stops at maxTokens with the maxTokens stop reason', async () => {
    const events = await collect(new OfflineModel({ maxTokens: 3 }).stream([user('cut')]))
    expect(events.filter((e) => e.type === 'modelContentBlockDeltaEvent')).toHaveLength(3)
    expect(events.at(-2)).toEqual({ type: 'modelMessageStopEvent', stopReason: 'maxTokens' })
  })

  it('abandons a pending token wait as soon as the cancel signal fires', async () => {
    // Ten minutes to the first token: only an honoured signal lets this test finish.
    const model = new OfflineModel({ firstTokenMs: 600_000 })
    const controller = new AbortController()
    const stream = model.stream([user('wait')], { cancelSignal: controller.signal })[Symbol.asyncIterator]()
    expect((await stream.next()).value).toEqual({ type: 'modelMessageStartEvent', role: 'assistant' })
    const pending = stream.next()
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('reports its configuration as a model provider does', () => {
    const model = new OfflineModel({ firstTokenMs: 5 })
    model.updateConfig({ tokensPerSecond: 7 })
    expect(model.getConfig()).toEqual({ modelId: 'offline', firstTokenMs: 5, tokensPerSecond: 7 })
    expect(model.modelId).toBe('offline')
  })
})
