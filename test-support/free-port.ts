import { createServer } from 'node:http'
import { PortBusyError, close, listen } from '../aws/local/listen'

const handedOut = new Set<number>()

/**
 * A port that is free now, for a child process that must be told its ports before it starts (npm run
 * dev's DEV_PORT, LOCAL_API_PORT, …). Taken from below the kernel's ephemeral range (Linux 32768–60999,
 * macOS 49152–65535): an ephemeral port probed with port 0 and closed goes back to the pool the kernel
 * hands to every other test's port-0 listeners and outgoing connections, and one of them can take it
 * before the child binds it (the child then stops with "already in use").
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (handedOut.has(port)) continue
    const probe = createServer()
    try {
      await listen(probe, port, 'probe')
    } catch (err) {
      if (err instanceof PortBusyError) continue
      throw err
    }
    await close(probe)
    handedOut.add(port)
    return port
  }
}
