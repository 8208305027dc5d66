import { api } from '../../server/api'

// Mounted by HonoX at /api: POST /api/invoke, POST /api/cancel, GET /api/health.
export default api
