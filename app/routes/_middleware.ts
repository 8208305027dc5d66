import { createRoute } from 'honox/factory'
import { securityHeaders } from '../server/security-headers'

export default createRoute(securityHeaders)
