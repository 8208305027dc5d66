/**
 * The prompt limit, as every hop means it: characters (code points), 16,000 unless configured. A copy
 * of protocol/request.ts's DEFAULT_MAX_PROMPT_CHARS and countChars, because the agent's image builds
 * from aws/agent alone (aws/agent/Dockerfile) and cannot import from outside; prompt-limit.test.ts
 * checks that the copy and the original agree.
 */
export const DEFAULT_MAX_PROMPT_CHARS = 16_000

/** Counts code points, not UTF-16 units: an emoji counts once, as a user counts it. */
export function countChars(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Whether `prompt` fits `maxChars` characters (its UTF-16 length first: no longer than the limit cannot have more code points). */
export function fitsPromptLimit(prompt: string, maxChars: number): boolean {
  return prompt.length <= maxChars || countChars(prompt) <= maxChars
}
