import { createApp } from 'honox/server'

// The HonoX entry: file-based routes under app/routes (the page; the API in app/routes/api/, one file per route).
const app = createApp()

export default app
