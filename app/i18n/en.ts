/** Every string the page shows, in English. ja.ts has the same keys (its type is checked against this one). */
export const en = {
  copy: 'Copy',
  copied: 'Copied',
  copyCode: 'Copy code',
  toolRunning: 'running…',
  toolDone: 'done',
  toolFailed: 'failed',
  toolInput: 'Input',
  toolResult: 'Result',
}

export type Strings = typeof en
