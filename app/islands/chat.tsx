import { useEffect, useRef, useState } from 'hono/jsx'
import { ChatController } from '../client/chat-controller'

/**
 * The chat island: server-rendered markup, made interactive on the client by ChatController. The
 * composer stays disabled until then: the island's first client render replaces the server's
 * markup, so text typed before it would vanish, and a native form post would show raw SSE.
 */
export default function Chat() {
  const log = useRef<HTMLOListElement>(null)
  const form = useRef<HTMLFormElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  const send = useRef<HTMLButtonElement>(null)
  const stop = useRef<HTMLButtonElement>(null)
  const newChat = useRef<HTMLButtonElement>(null)
  const [ready, setReady] = useState(false)

  useEffect(() => {
    const controller = new ChatController({
      log: log.current!,
      form: form.current!,
      input: input.current!,
      send: send.current!,
      stop: stop.current!,
      newChat: newChat.current!,
    })
    form.current!.dataset.ready = 'true'
    setReady(true)
    return () => controller.dispose()
  }, [])

  return (
    <section class='chat'>
      <ol ref={log} class='log' role='log' aria-live='polite' aria-label='Conversation'></ol>
      <form ref={form} class='composer' method='post' action='/api/invoke'>
        <label for='prompt' class='visually-hidden'>
          Message
        </label>
        <textarea ref={input} id='prompt' name='prompt' rows={3} required disabled={!ready} placeholder='Ask the agent… (Enter sends, Shift+Enter for a new line)'></textarea>
        <div class='actions'>
          <button ref={send} type='submit' class='send' disabled={!ready}>
            Send
          </button>
          <button ref={stop} type='button' class='stop' disabled hidden>
            Stop
          </button>
          <button ref={newChat} type='button' class='new-chat' disabled={!ready}>
            New chat
          </button>
        </div>
      </form>
    </section>
  )
}
