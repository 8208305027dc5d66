/**
 * For the DOM tests (highlight.dom.test.ts, lex-worker.dom.test.ts): a stand-in for the browser's
 * Worker whose module fails to load. The browser reports that as an `error` event on the Worker,
 * after the constructor has returned; nothing posted to it is ever answered.
 */
export class FailingWorker extends EventTarget {
  constructor() {
    super()
    setTimeout(() => this.dispatchEvent(new Event('error')), 0)
  }
  postMessage(): void {}
  terminate(): void {}
}
