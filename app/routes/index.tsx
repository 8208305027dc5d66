import { createRoute } from 'honox/factory'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { isLang, STRINGS } from '../i18n'
import Chat from '../islands/chat'
import { configOf } from '../server/config'

export default createRoute((c) => {
  const language = c.get('language')
  const lang = isLang(language) ? language : 'en'
  let maxPromptChars = DEFAULT_MAX_PROMPT_CHARS
  try {
    maxPromptChars = configOf(c.env).maxPromptChars
  } catch {
    // A bad Worker setting is reported by every /api request (500 internal_error); the page still shows.
  }
  return c.render(
    <main class='app'>
      <header class='bar'>
        <h1 data-i18n='title'>{STRINGS[lang].title}</h1>
      </header>
      <Chat lang={lang} maxPromptChars={maxPromptChars} />
    </main>,
    { title: STRINGS[lang].title },
  )
})
