import { createApp } from 'honox/server'

// The HonoX entry: file-based routes under app/routes (the page; the API in app/routes/api/, one file per route).
const app = createApp()

export default app
// The Durable Object classes live in the Worker's own module (wrangler.toml's [[durable_objects.bindings]]);
// vite.config.ts adds the same export to the built entry.
export { Conversation } from './server/conversation/conversation'
export { OwnerIndex } from './server/conversation/owner-index'
