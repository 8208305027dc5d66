import type { Strings } from './en'

/** Every string the page shows, in Japanese (the same keys as en.ts). */
export const ja: Strings = {
  copy: 'コピー',
  copied: 'コピーしました',
  copyCode: 'コードをコピー',
}
