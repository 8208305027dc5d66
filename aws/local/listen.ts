import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Every local server binds to loopback only: nothing of the local cloud is reachable from outside. */
export const LOCAL_HOST = '127.0.0.1'

export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} (${what}) is already in use. Stop whatever holds it (e.g. \`lsof -i :${port}\`) or choose another port.`)
    this.name = 'PortBusyError'
  }
}

/** Listens on 127.0.0.1:`port` (0 = any free port) and resolves to the port bound. */
export function listen(server: Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err.code === 'EADDRINUSE' ? new PortBusyError(port, what) : err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, LOCAL_HOST)
  })
}

/** Closes a server and every connection it holds (streams included), so `stop()` never hangs. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Throws PortBusyError when `port` is taken: for starts that would fail late (or exit) on a busy port. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const probe = createServer()
  await listen(probe, port, what)
  await close(probe)
}
