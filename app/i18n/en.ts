/** Every string the page shows, in English. ja.ts has the same keys (its type is checked against this one). */
export const en = {
  copy: 'Copy',
  copied: 'Copied',
  copyCode: 'Copy code',
}

export type Strings = typeof en
