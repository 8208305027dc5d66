/**
 * Keeps the newest text in view while the reader is at the bottom of the page, and lets them read
 * undisturbed once they scroll up: following stops, and the "jump to latest" button appears until
 * they are back at the bottom (by scrolling or by the button). Reads the layout and scrolls at most
 * once per frame, however many chunks arrive in it.
 *
 * Where the browser has ResizeObserver, the page's growth itself is what it follows: the observer
 * runs in the frame that laid the new content out, after layout and before paint, so the frame is
 * painted once, already scrolled. Following from an animation frame callback instead was a frame
 * late whenever the answer rendered after that callback (render-markdown.ts renders in its own
 * animation frame callback): the frame painted the new text below the fold and the next frame
 * scrolled and painted again (npm run bench -- --only=page).
 */
export class ScrollFollower {
  private following = true
  private frame = 0
  private readonly resizes: ResizeObserver | undefined
  /** Where our own last scroll left the page: only a scroll above it is the reader leaving. */
  private lastTop = 0
  /** A scroll event not yet looked at (see onScroll). */
  private scrolled = false
  private readonly onScroll = () => {
    // Scroll events fire at the start of a frame, before the answer renders in it, and reading the
    // scroll position or the page's height there made the browser lay out the page early whenever it
    // had changed since the last frame (npm run bench -- --only=page: a forced layout in this handler,
    // ~17 µs per chunk). The scroll is looked at where the layout is clean instead: in the resize
    // observer's callback when the frame resizes the page (before it follows, so a reader who scrolled
    // up is not pulled back down), else in a task after the frame.
    if (this.scrolled) return
    this.scrolled = true
    this.win.setTimeout(() => this.update(), 0)
  }

  constructor(
    private readonly win: Window,
    private readonly jump: HTMLButtonElement,
    /** How close to the bottom still counts as at the bottom (px). */
    private readonly slack = 48,
  ) {
    win.addEventListener('scroll', this.onScroll, { passive: true })
    jump.addEventListener('click', () => this.jumpToLatest())
    this.showJump(false)
    const Observer = (win as Window & { ResizeObserver?: typeof ResizeObserver }).ResizeObserver
    if (Observer) {
      this.resizes = new Observer(() => this.follow())
      this.resizes.observe(win.document.body)
    }
  }

  dispose(): void {
    this.win.removeEventListener('scroll', this.onScroll)
    this.resizes?.disconnect()
    if (this.frame) this.win.cancelAnimationFrame(this.frame)
  }

  get isFollowing(): boolean {
    return this.following
  }

  /**
   * The content grew: follow it if the reader is following; otherwise offer the jump. Both read the
   * page's layout, so they wait for the next frame: done per chunk, each read forced a layout of
   * the page the chunk had just changed (see render-markdown.ts, which renders in that frame too).
   * With the resize observer watching the page, there is nothing to do here: a change that moves
   * the bottom of the page resizes the body.
   */
  contentChanged(): void {
    if (this.resizes || this.frame) return
    this.frame = this.win.requestAnimationFrame(() => {
      this.frame = 0
      this.follow()
    })
  }

  private follow(): void {
    this.update()
    if (this.following) this.scrollToBottom()
    else this.showJump(!this.atBottom())
  }

  /** Follow again from now on (a new prompt was sent, or the reader asked for it). */
  jumpToLatest(): void {
    this.following = true
    this.showJump(false)
    this.scrollToBottom()
  }

  private update(): void {
    if (!this.scrolled) return
    this.scrolled = false
    // The scroll event comes a frame after our scroll, when more text may have arrived: not being at
    // the bottom then is no sign of the reader. Moving up from where we left the page is.
    if (this.atBottom()) {
      this.following = true
      this.lastTop = this.win.scrollY
    } else if (this.win.scrollY < this.lastTop - this.slack) this.following = false
    this.showJump(!this.following)
  }

  private atBottom(): boolean {
    const doc = this.win.document.documentElement
    return this.win.scrollY + this.win.innerHeight >= doc.scrollHeight - this.slack
  }

  private scrollToBottom(): void {
    this.win.scrollTo({ top: this.win.document.documentElement.scrollHeight, behavior: 'instant' })
    this.lastTop = this.win.scrollY
  }

  private showJump(show: boolean): void {
    // Only a change is written: writing the attribute marks the page's style as changed even when the value is the same.
    if (this.jump.hidden !== !show) this.jump.hidden = !show
  }
}
