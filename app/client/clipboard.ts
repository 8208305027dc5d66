/** Writes text to the clipboard; false where the browser refuses (no permission, insecure origin). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

/** Shows `done` on a button for a moment after a successful copy, then its own label again. */
export function flashLabel(button: HTMLElement, done: string, ms = 1500): void {
  const label = (button.dataset.label ??= button.textContent ?? '')
  button.textContent = done
  setTimeout(() => (button.textContent = label), ms)
}
