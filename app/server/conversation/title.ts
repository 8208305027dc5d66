const TITLE_CHARS = 80

/** A conversation's title: its first prompt on one line, at most TITLE_CHARS characters. */
export function titleOf(prompt: string): string {
  const line = prompt.trim().replace(/\s+/g, ' ')
  const chars = [...line]
  return chars.length > TITLE_CHARS ? `${chars.slice(0, TITLE_CHARS - 1).join('')}…` : line
}
