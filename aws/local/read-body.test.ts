import { createServer } from 'node:http'
import { expect, it } from 'vitest'
import { close, listen } from './listen'
import { readBody } from './read-body'

it('reads a whole body, and reports one over the limit after reading it all', async () => {
  const server = createServer(async (req, res) => {
    const body = await readBody(req, 8)
    res.end(body === 'too_large' ? 'too_large' : `got ${body.toString()}`)
  })
  const port = await listen(server, 0, 'read-body test')
  try {
    const post = (body: string) => fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body }).then((r) => r.text())
    expect(await post('12345678')).toBe('got 12345678')
    expect(await post('123456789')).toBe('too_large')
    expect(await post('')).toBe('got ')
  } finally {
    await close(server)
  }
})
