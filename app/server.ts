import { createApp } from 'honox/server'

// The HonoX entry: file-based routes under app/routes (the page, and /api from app/server/api.ts).
const app = createApp()

export default app
