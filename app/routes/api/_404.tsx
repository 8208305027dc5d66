import type { NotFoundHandler } from 'hono'
import { errorResponse } from '../../server/errors'

/** Unknown /api paths (HonoX looks this file up by the name `_404.tsx`). */
const notFound: NotFoundHandler = () => errorResponse(404, 'not_found', 'No such API route.')
export default notFound
