import type { Strings } from './en'

/** Every string the page shows, in Japanese (the same keys as en.ts). */
export const ja: Strings = {
  copy: 'コピー',
  copied: 'コピーしました',
  copyCode: 'コードをコピー',
  toolRunning: '実行中…',
  toolDone: '完了',
  toolFailed: '失敗',
  toolInput: '入力',
  toolResult: '結果',
}
