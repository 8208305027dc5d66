/**
 * When the offline model asks for a tool, and what it says with the result. A Bedrock model decides
 * this itself; the offline model reads the prompt with fixed patterns (English and Japanese), so a
 * prompt that asks for the time, a sum or a conversion always takes the same path through the agent
 * loop: toolUse -> the tool runs -> toolResult -> the model answers from it.
 */
export interface ToolCall {
  name: 'current_time' | 'calculator' | 'convert_units'
  input: Record<string, string | number>
}

const ZONES: Record<string, string> = {
  tokyo: 'Asia/Tokyo',
  東京: 'Asia/Tokyo',
  osaka: 'Asia/Tokyo',
  大阪: 'Asia/Tokyo',
  london: 'Europe/London',
  ロンドン: 'Europe/London',
  paris: 'Europe/Paris',
  パリ: 'Europe/Paris',
  'new york': 'America/New_York',
  ニューヨーク: 'America/New_York',
  seattle: 'America/Los_Angeles',
  シアトル: 'America/Los_Angeles',
  'san francisco': 'America/Los_Angeles',
  sydney: 'Australia/Sydney',
  utc: 'UTC',
}

/** The tool call a prompt asks for, if any (and if the agent offers that tool). */
export function planToolCall(prompt: string, offered: ReadonlySet<string>): ToolCall | undefined {
  const call = match(prompt)
  return call && offered.has(call.name) ? call : undefined
}

function match(prompt: string): ToolCall | undefined {
  const convert =
    /\bconvert\s+(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s+(?:to|in|into)\s+([A-Za-z]+)/i.exec(prompt) ??
    /(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*(?:を|は)\s*([A-Za-z]+)\s*(?:に|で)/.exec(prompt)
  if (convert) return { name: 'convert_units', input: { value: Number(convert[1]), from: convert[2], to: convert[3] } }

  const calc = /\b(?:calculate|compute|calc)\s*:?\s*([^?\n]+)/i.exec(prompt) ?? /計算(?:して(?:ください)?)?\s*[:：]\s*([^?？\n]+)/.exec(prompt)
  if (calc) return { name: 'calculator', input: { expression: calc[1].trim().replace(/[.。]$/, '') } }

  const iana = /\btime\b.*?\b([A-Z][A-Za-z_]+\/[A-Za-z_]+)/.exec(prompt)
  if (iana) return { name: 'current_time', input: { timeZone: iana[1] } }
  const city = /\btime\b.*?\bin\s+([A-Za-z][A-Za-z ]*?)\s*(?:[?.!]|now|right now|$)/i.exec(prompt)
  const cityZone = city && ZONES[city[1].toLowerCase()]
  if (cityZone) return { name: 'current_time', input: { timeZone: cityZone } }
  const ja = /(東京|大阪|ロンドン|パリ|ニューヨーク|シアトル)\S*?(?:時刻|時間|何時)/.exec(prompt)
  if (ja) return { name: 'current_time', input: { timeZone: ZONES[ja[1]] } }
  return undefined
}

/** The answer the offline model gives once a tool's result is back. */
export function answerFromTool(call: ToolCall, status: 'success' | 'error', result: string): string {
  const input = JSON.stringify(call.input)
  if (status === 'error') return `**Offline model** — the \`${call.name}\` tool failed for \`${input}\`:\n\n> ${result}\n`
  return `**Offline model** — I asked the \`${call.name}\` tool (\`${input}\`). It says:\n\n${result}\n`
}
