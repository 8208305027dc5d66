import { jsxRenderer } from 'hono/jsx-renderer'
import { Script } from 'honox/server'

export default jsxRenderer(({ children, title }, c) => {
  return (
    <html lang={c.get('language') ?? 'en'}>
      <head>
        <meta charset='UTF-8' />
        <meta name='viewport' content='width=device-width, initial-scale=1.0' />
        <title>{title ?? 'Edge Agent Chat'}</title>
        <link rel='icon' href='/favicon.svg' type='image/svg+xml' />
        <link rel='stylesheet' href='/static/style.css' />
        {/* The only script: the island bundle, allowed by the CSP through this request's nonce. */}
        <Script src='/app/client.ts' async nonce={c.get('secureHeadersNonce')} />
      </head>
      <body>{children}</body>
    </html>
  )
})
