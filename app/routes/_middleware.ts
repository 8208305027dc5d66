import { languageDetector } from 'hono/language'
import { createRoute } from 'honox/factory'
import { LANG_COOKIE, LANGS } from '../i18n'
import { securityHeaders } from '../server/security-headers'

/**
 * The page's language: the reader's remembered choice (the `lang` cookie the switch sets), else the
 * browser's Accept-Language, else English. Nothing is cached by the detector: the switch writes the cookie.
 */
const language = languageDetector({
  supportedLanguages: [...LANGS],
  fallbackLanguage: 'en',
  order: ['cookie', 'header'],
  lookupCookie: LANG_COOKIE,
  caches: false,
})

export default createRoute(securityHeaders, language)
