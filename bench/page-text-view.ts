/**
 * The page suite's browser floor (bench/suites/page.ts): the answer's text alone, one <p> per line of
 * the markdown source, no markup parsed, rendered on a schedule as the markdown view is
 * (app/client/render-schedule.ts). What the browser itself needs to style, lay out and paint this
 * much text arriving this fast on the page — the part of the renderer's figure no renderer can
 * remove — so the report can say how far the markdown renderer is from it. Not used by the page.
 */
import { frameSchedule } from '../app/client/render-schedule'

export class TextView {
  private pending = ''
  private scheduled = false
  private line: Text
  private readonly schedule: ReturnType<typeof frameSchedule>

  /** Renders no more often than every `intervalMs` (the markdown run's own mean interval, so both render as often). */
  constructor(
    private readonly root: HTMLElement,
    intervalMs: number,
  ) {
    const win = root.ownerDocument.defaultView as Window
    this.schedule = frameSchedule(win, intervalMs, 1, intervalMs)
    this.line = this.paragraph()
  }

  append(chunk: string): void {
    this.pending += chunk
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => this.flush())
  }

  end(): void {
    this.flush()
  }

  /** Nothing is highlighted or lexed later: done when end() returns (the MarkdownView's interface, for bench/page-profile.ts). */
  async settled(): Promise<void> {}

  private flush(): void {
    this.scheduled = false
    const lines = this.pending.split('\n')
    this.pending = ''
    this.line.appendData(lines[0])
    for (const line of lines.slice(1)) {
      this.line = this.paragraph()
      this.line.appendData(line)
    }
  }

  private paragraph(): Text {
    const doc = this.root.ownerDocument
    const p = doc.createElement('p')
    const text = doc.createTextNode('')
    p.append(text)
    this.root.append(p)
    return text
  }
}
