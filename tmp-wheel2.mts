import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
const sf = readFileSync('/tmp/gaps6/sf.js', 'utf8')
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
const p = await b.newPage({ viewport: { width: 900, height: 600 } })
const rate = Number(process.env.RATE ?? 1)
if (rate > 1) await (await p.context().newCDPSession(p)).send('Emulation.setCPUThrottlingRate', { rate })
let lost = 0
const N = Number(process.env.N ?? 40)
for (let trial = 0; trial < N; trial++) {
  await p.setContent('<body style="margin:0"><div id="log"></div><button class="jump" hidden>jump</button></body>')
  await p.addScriptTag({ content: sf })
  await p.addScriptTag({ content: `
    window.f = new SF.ScrollFollower(window, document.querySelector('button.jump'))
    let last = 0
    function grow() {
      requestAnimationFrame((t) => {
        if (t - last >= 50) {
          last = t
          const para = document.createElement('p')
          para.textContent = 'word '.repeat(60)
          document.getElementById('log').append(para)
        }
        grow()
      })
    }
    grow()
  ` })
  await p.waitForFunction('document.documentElement.scrollHeight > 3 * innerHeight')
  await new Promise((r) => setTimeout(r, Math.random() * 200))
  await p.mouse.move(450, 300)
  await p.mouse.wheel(0, -800)
  const ok = await p.waitForFunction('!window.f.isFollowing', undefined, { timeout: 1500 }).then(() => true, () => false)
  if (!ok) lost++
}
console.log(`rate ${rate}: reader's scroll lost in ${lost} of ${N}`)
await b.close()
