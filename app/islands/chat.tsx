import { useEffect, useRef, useState } from 'hono/jsx'
import { ChatController } from '../client/chat-controller'
import { LANG_NAMES, LANGS, STRINGS, type Lang } from '../i18n'

const EXAMPLES = ['example1', 'example2', 'example3', 'example4'] as const

/**
 * The chat island: server-rendered markup in the reader's language, made interactive on the client
 * by ChatController. The composer stays disabled until then: the island's first client render
 * replaces the server's markup, so text typed before it would vanish, and a native form post would
 * show raw SSE. Texts carry data-i18n keys so a language switch can relabel them in place.
 */
export default function Chat({ lang, maxPromptChars }: { lang: Lang; maxPromptChars: number }) {
  const root = useRef<HTMLElement>(null)
  const [ready, setReady] = useState(false)
  const t = STRINGS[lang]

  useEffect(() => {
    const controller = new ChatController(root.current!, { lang, maxPromptChars })
    root.current!.querySelector<HTMLFormElement>('form.composer')!.dataset.ready = 'true'
    setReady(true)
    return () => controller.dispose()
  }, [])

  return (
    <section ref={root} class='chat'>
      {/* Narrow screens: the chats are a drawer this button opens (public/static/style.css). */}
      <button type='button' class='chats-toggle' aria-expanded='false' aria-controls='chats' disabled={!ready} data-i18n='chats'>
        {t.chats}
      </button>
      <select class='lang-switch' aria-label={t.language} data-i18n-aria-label='language' disabled={!ready}>
        {LANGS.map((l) => (
          <option value={l} selected={l === lang} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
      {/* The list itself is the controller's (app/client/chat-list.ts), empty here like the log. */}
      <nav id='chats' class='chats' aria-label={t.chats} data-i18n-aria-label='chats'>
        <div class='chats-head'>
          <h2 class='chats-title' data-i18n='chats'>
            {t.chats}
          </h2>
          <button type='button' class='close-chats' data-i18n='closeChats'>
            {t.closeChats}
          </button>
        </div>
        <button type='button' class='start-chat' disabled={!ready} data-i18n='newChat'>
          {t.newChat}
        </button>
        <ul class='chat-list'></ul>
        <p class='chat-list-empty'></p>
      </nav>
      <div class='chat-main'>
        <div class='welcome'>
          <h2 data-i18n='welcomeTitle'>{t.welcomeTitle}</h2>
          <p data-i18n='welcomeText'>{t.welcomeText}</p>
          <ul class='examples' aria-label={t.examples} data-i18n-aria-label='examples'>
            {EXAMPLES.map((key) => (
              <li>
                <button type='button' class='example' data-i18n={key} disabled={!ready}>
                  {t[key]}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <ol class='log' role='log' aria-live='polite' aria-label={t.conversation} data-i18n-aria-label='conversation'></ol>
        <div class='dock'>
          <button type='button' class='jump' hidden data-i18n='jumpToLatest'>
            {t.jumpToLatest}
          </button>
          <div class='notice' hidden></div>
          <div class='editing' hidden>
            <span data-i18n='editing'>{t.editing}</span>
            <button type='button' class='cancel-edit' data-i18n='cancelEdit'>
              {t.cancelEdit}
            </button>
          </div>
          <form class='composer' method='post' action='/api/invoke'>
            <label for='prompt' class='visually-hidden' data-i18n='message'>
              {t.message}
            </label>
            <textarea id='prompt' name='prompt' rows={1} required disabled={!ready} placeholder={t.placeholder} data-i18n-placeholder='placeholder' aria-describedby='prompt-count'></textarea>
            <div class='actions'>
              {/* Empty until the controller counts: a text rendered here would survive the island's
                  re-render beside the controller's own (hono/jsx keeps the node it made). */}
              <span id='prompt-count' class='count'></span>
              <button type='submit' class='send' disabled={!ready} data-i18n='send'>
                {t.send}
              </button>
              <button type='button' class='stop' disabled hidden data-i18n='stop'>
                {t.stop}
              </button>
              <button type='button' class='new-chat' disabled={!ready} data-i18n='newChat'>
                {t.newChat}
              </button>
            </div>
          </form>
        </div>
      </div>
    </section>
  )
}
