/**
 * A copy of the project's app/ and protocol/ at a git revision, optionally with a proposed change
 * (bench/proposals/<name>.patch) applied: so a proposal is measured, before anyone applies it, by
 * the same harness and in the same run as what it would replace.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export function extractTree(rev: string, patch?: string): string {
  const dir = `${ROOT}bench/results/tmp/rev-${rev.replace(/[^\w.-]/g, '_')}${patch ? `+${patch}` : ''}`
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  // git archive piped into tar without a shell, so a revision name is never shell text.
  const archive = execFileSync('git', ['-C', ROOT, 'archive', rev, 'app', 'protocol', 'public'], { maxBuffer: 256 * 1024 * 1024 })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  if (patch) execFileSync('patch', ['-s', '-p1', '-d', dir, '-i', `${ROOT}bench/proposals/${patch}.patch`])
  return dir
}
