import { createRoute } from 'honox/factory'
import Chat from '../islands/chat'

export default createRoute((c) => {
  return c.render(
    <main class='app'>
      <header class='bar'>
        <h1>Edge Agent Chat</h1>
      </header>
      <Chat />
    </main>,
    { title: 'Edge Agent Chat' },
  )
})
