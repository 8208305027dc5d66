import { en, type Strings } from './en'
import { ja } from './ja'

export type Lang = 'en' | 'ja'
export const LANGS: readonly Lang[] = ['en', 'ja']
export const STRINGS: Record<Lang, Strings> = { en, ja }
/** The cookie that remembers the reader's choice (read by hono's languageDetector, app/routes/_middleware.ts). */
export const LANG_COOKIE = 'lang'
/** Each language's name, in itself, for the switch. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', ja: '日本語' }

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ja'
}
export type { Strings }
