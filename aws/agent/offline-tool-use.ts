/**
 * When the offline model asks for a tool, and what it says with the result. A Bedrock model decides
 * this itself; the offline model reads the prompt with fixed patterns (English and Japanese), so a
 * prompt that asks for the time, a sum or a conversion always takes the same path through the agent
 * loop: toolUse -> the tool runs -> toolResult -> the model answers from it. A prompt that asks for
 * several of them gets every toolUse in one message, and the answer comes from all the results.
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

/**
 * The tool calls a prompt asks for, in the prompt's order, of the tools the agent offers. A prompt that
 * asks for several things ("What time is it in Tokyo and in London?", "convert 5 km to miles and
 * calculate 12*7", 東京とロンドンの時刻は？) gets all of them at once, as a Bedrock model asks for
 * several tools in one message; any other prompt gets the one call (or none) it always got.
 */
export function planToolCalls(prompt: string, offered: ReadonlySet<string>): ToolCall[] {
  const several = requests(prompt)
  const one = several.length < 2 ? match(prompt) : undefined
  const calls = several.length >= 2 ? distinct(several) : one ? [one] : []
  return calls.filter((call) => offered.has(call.name))
}

// Where a prompt's requests part: a list or sentence mark, or `and`/`then` between words (with any
// `and`, `then`, `also` after it). A comma, period, ! or ? must be followed by a space or end the
// prompt, so 1,000 and 12.5 stay whole; brackets are skipped, so max(1, 2) does too. Sticky: tried at
// each position of clauses().
const SEPARATOR = /(?:[;；、。，？！\n]|[,.!?](?=\s|$)|\s+(?:and|then)(?=\s))(?:\s+(?:and|then|also)(?=\s))*\s*/iy

const SPACE = /\s/

/** The prompt's clauses (see SEPARATOR), trimmed, empty ones left out. */
function clauses(prompt: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  let i = 0
  while (i < prompt.length) {
    const c = prompt[i]
    if (c === '(' || c === '[' || c === '{') depth++
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
    // Inside a run of spaces no separator can start that did not start with the run: skipping them
    // keeps this linear (trying each would rescan the run each time).
    else if (depth === 0 && !(SPACE.test(c) && i > 0 && SPACE.test(prompt[i - 1]))) {
      SEPARATOR.lastIndex = i
      const separator = SEPARATOR.exec(prompt)
      if (separator) {
        parts.push(prompt.slice(start, i))
        i += separator[0].length
        start = i
        continue
      }
    }
    i++
  }
  parts.push(prompt.slice(start))
  return parts.map((part) => part.trim()).filter(Boolean)
}

const JA_CITY = '東京|大阪|ロンドン|パリ|ニューヨーク|シアトル'
// A clause that only names a place, continuing (or, in Japanese, leading up to) a time request.
// A place's name ends with a letter: [A-Za-z](?:[A-Za-z ]*?[A-Za-z])?? tries the same names in the same
// order as [A-Za-z][A-Za-z ]*? (a name ending in a space never fits, the \s* after it takes the space),
// but cannot stop inside a run of spaces, so a long run is not rescanned from each of its spaces.
const MORE_CITY = /^(?:in\s+)?([A-Za-z](?:[A-Za-z ]*?[A-Za-z])??)\s*(?:right now|now)?$/i
const MORE_IANA = /^(?:in\s+)?([A-Z][A-Za-z_]+\/[A-Za-z_]+)$/
const MORE_JA_CITY = new RegExp(`^(${JA_CITY})(?:は|も)?$`)
// A clause that only holds a conversion or an arithmetic expression, continuing a request of that kind.
const MORE_CONVERT = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s+(?:to|in|into)\s+([A-Za-z]+)$/i
// Only these characters, and a digit among them (two tests: one pattern for both backtracks on long digit runs).
const MORE_EXPRESSION = /^[-+*/^%().\d\s]+$/

/**
 * Every request of every clause, in order. A clause that asks for something gives its call (or, for
 * a Japanese list of cities, one per city); a clause that only names what to do it with continues the
 * clause before it ("… in Tokyo and London", "convert 5 km to miles and 10 kg to lb"); Japanese
 * cities listed on their own wait for the time request after them (東京、ロンドンの時刻).
 */
function requests(prompt: string): ToolCall[] {
  const calls: ToolCall[] = []
  let previous: ToolCall['name'] | undefined
  let waiting: ToolCall[] = []
  for (const clause of clauses(prompt)) {
    const asked = clauseCalls(clause)
    const found = asked.length > 0 ? asked : previous ? continued(clause, previous) : []
    if (found.length > 0) {
      if (found[0].name === 'current_time') calls.push(...waiting)
      calls.push(...found)
      previous = found[0].name
      waiting = []
      continue
    }
    previous = undefined
    const city = MORE_JA_CITY.exec(clause)
    waiting = city ? [...waiting, { name: 'current_time', input: { timeZone: ZONES[city[1]] } }] : []
  }
  return calls
}

/** A clause's own request: match()'s, except that a Japanese list of cities gives a call per city. */
function clauseCalls(clause: string): ToolCall[] {
  const command = matchCommand(clause)
  if (command) return [command]
  return japaneseTimeCities(clause).map((city) => ({ name: 'current_time', input: { timeZone: ZONES[city] } }))
}

function continued(clause: string, previous: ToolCall['name']): ToolCall[] {
  if (previous === 'current_time') {
    const city = MORE_CITY.exec(clause)
    const zone = (city && ZONES[city[1].toLowerCase()]) ?? MORE_IANA.exec(clause)?.[1] ?? ZONES[MORE_JA_CITY.exec(clause)?.[1] ?? '']
    return zone ? [{ name: 'current_time', input: { timeZone: zone } }] : []
  }
  if (previous === 'convert_units') {
    const convert = MORE_CONVERT.exec(clause)
    return convert ? [{ name: 'convert_units', input: { value: Number(convert[1]), from: convert[2], to: convert[3] } }] : []
  }
  return MORE_EXPRESSION.test(clause) && /\d/.test(clause) ? [{ name: 'calculator', input: { expression: clause } }] : []
}

/** The calls without repeats (Tokyo and Osaka share a time zone: one call). */
function distinct(calls: ToolCall[]): ToolCall[] {
  const seen = new Set<string>()
  return calls.filter((call) => {
    const key = JSON.stringify([call.name, call.input])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The one call a prompt asks for: the first of conversion, calculation, time (in that order) that it names. */
function match(prompt: string): ToolCall | undefined {
  return matchCommand(prompt) ?? matchJapaneseTime(prompt)
}

const CITY_NAME = /tokyo|osaka|london|paris|new york|seattle|san francisco|sydney|utc/i

function matchCommand(prompt: string): ToolCall | undefined {
  const convert =
    /\bconvert\s+(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s+(?:to|in|into)\s+([A-Za-z]+)/i.exec(prompt) ??
    // (?<!\d): a number starts where digits start. A match never starts inside a run of digits (one
    // starting a digit earlier would match too), and without it every digit of a long run was tried.
    /(-?(?<!\d)\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*(?:を|は)\s*([A-Za-z]+)\s*(?:に|で)/.exec(prompt)
  if (convert) return { name: 'convert_units', input: { value: Number(convert[1]), from: convert[2], to: convert[3] } }

  const calc = /\b(?:calculate|compute|calc)\s*:?\s*([^?\n]+)/i.exec(prompt) ?? /計算(?:して(?:ください)?)?\s*[:：]\s*([^?？\n]+)/.exec(prompt)
  if (calc) return { name: 'calculator', input: { expression: calc[1].trim().replace(/[.。]$/, '') } }

  // The time patterns rescan the rest of the prompt from every `time` in it: they are tried only when
  // they can give something (an IANA name has a slash; a city's zone needs one of ZONES' names).
  const iana = prompt.includes('/') ? /\btime\b.*?\b([A-Z][A-Za-z_]+\/[A-Za-z_]+)/.exec(prompt) : null
  if (iana) return { name: 'current_time', input: { timeZone: iana[1] } }
  // The city's name ends with a letter (see MORE_CITY): the same match, without rescanning runs of spaces.
  const city = CITY_NAME.test(prompt) ? /\btime\b.*?\bin\s+([A-Za-z](?:[A-Za-z ]*?[A-Za-z])??)\s*(?:[?.!]|now|right now|$)/i.exec(prompt) : null
  const cityZone = city && ZONES[city[1].toLowerCase()]
  if (cityZone) return { name: 'current_time', input: { timeZone: cityZone } }
  return undefined
}

function matchJapaneseTime(prompt: string): ToolCall | undefined {
  const [city] = japaneseTimeCities(prompt)
  return city ? { name: 'current_time', input: { timeZone: ZONES[city] } } : undefined
}

const JA_CITY_AT = new RegExp(JA_CITY)
// The next city of a list (東京とロンドン, 東京・パリ, 東京およびパリ), tried where the last one ended.
const JA_CITY_NEXT = new RegExp(`(?:と|や|・|および|及び)(${JA_CITY})`, 'y')

/**
 * The cities of a Japanese time request (東京は今何時, 東京とロンドンの時刻): the first city in a
 * space-free run that a time word (時刻, 時間, 何時) follows in the same run, and the cities listed
 * after it with と, や, ・ or および that still come before a time word. That is what the patterns
 * /(CITY)\S*?(?:時刻|時間|何時)/ and /((?:CITY)(?:(?:と|…)(?:CITY))*)\S*?(?:時刻|…)/ find, found
 * in one pass: those patterns rescan the run from every city (seconds for a long prompt of cities).
 */
function japaneseTimeCities(text: string): string[] {
  for (const run of text.split(/\s+/)) {
    const lastTimeWord = Math.max(run.lastIndexOf('時刻'), run.lastIndexOf('時間'), run.lastIndexOf('何時'))
    const first = lastTimeWord < 0 ? null : JA_CITY_AT.exec(run)
    if (!first || first.index + first[0].length > lastTimeWord) continue
    const cities = [first[0]]
    JA_CITY_NEXT.lastIndex = first.index + first[0].length
    for (let next = JA_CITY_NEXT.exec(run); next && JA_CITY_NEXT.lastIndex <= lastTimeWord; next = JA_CITY_NEXT.exec(run)) cities.push(next[1])
    return cities
  }
  return []
}

/** The answer the offline model gives once a tool's result is back. */
export function answerFromTool(call: ToolCall, status: 'success' | 'error', result: string): string {
  const input = JSON.stringify(call.input)
  if (status === 'error') return `**Offline model** — the \`${call.name}\` tool failed for \`${input}\`:\n\n> ${result}\n`
  return `**Offline model** — I asked the \`${call.name}\` tool (\`${input}\`). It says:\n\n${result}\n`
}

/** One tool call and what came back from it. */
export interface ToolOutcome {
  call: ToolCall
  status: 'success' | 'error'
  result: string
}

/**
 * The answer once every tool asked for in one message is back: answerFromTool's for a single call;
 * for several, one opening line, then each call's result (or failure) in the order it was asked for.
 */
export function answerFromTools(outcomes: readonly ToolOutcome[]): string {
  if (outcomes.length === 1) return answerFromTool(outcomes[0].call, outcomes[0].status, outcomes[0].result)
  const parts = outcomes.map(({ call, status, result }) => {
    const input = JSON.stringify(call.input)
    return status === 'error' ? `The \`${call.name}\` tool failed for \`${input}\`:\n\n> ${result}` : `The \`${call.name}\` tool (\`${input}\`) says:\n\n${result}`
  })
  return [`**Offline model** — I asked ${outcomes.length} tools at once.`, ...parts].join('\n\n') + '\n'
}
