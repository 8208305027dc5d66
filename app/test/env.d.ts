import type { Bindings } from '../global'

// `env` from cloudflare:test is typed as Cloudflare.Env: the Worker's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}
