import { NONCE, secureHeaders } from 'hono/secure-headers'

/**
 * Security headers for every Worker response. The CSP allows scripts from this origin and, inline,
 * only with the per-request nonce (the island's module script carries it); no inline styles, no
 * framing, no plugins.
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", NONCE],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
})
