/**
 * Every package the code imports is declared: in package.json for the project (or the package.json of a
 * folder with its own install, nearer the file), and in
 * aws/agent/package.json for the agent's own sources, because its image installs from that file alone
 * (aws/agent/Dockerfile; its tests and their helpers stay out of the image: aws/agent/.dockerignore).
 * Imports are read by TypeScript's own pre-processor (static, dynamic, require, `declare module`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('.', import.meta.url))
/** Not the project's code: dependencies, build output, caches, the Python agent's venv. */
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', '.wrangler', '.git', '.venv', 'results', 'coverage', '.local'])
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? codeFiles(path) : CODE.test(entry.name) ? [relative(ROOT, path)] : []
  })
}

/** The packages a file imports: `@scope/name` or `name`, never a relative path or a Node built-in. */
function packagesOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true)
  const specifiers = [...info.importedFiles, ...(info.ambientExternalModules ?? []).map((fileName) => ({ fileName }))].map((i) => i.fileName)
  return specifiers
    .filter((s) => !/^(\.|\/|node:|cloudflare:|virtual:)/.test(s))
    .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'))
    .filter((name) => !builtinModules.includes(name))
}

function declaredIn(packageJson: string): (name: string) => boolean {
  const pkg = JSON.parse(readFileSync(join(ROOT, packageJson), 'utf8')) as Record<string, Record<string, string> | undefined>
  const names = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})])
  // A type-only import of a package without types of its own is declared by its @types package.
  return (name) => names.has(name) || names.has(`@types/${name.replace(/^@/, '').replace('/', '__')}`)
}

const undeclared = (files: string[], declared: (name: string, file: string) => boolean) =>
  files.flatMap((file) => packagesOf(file).filter((name) => !declared(name, file)).map((name) => `${file}: ${name}`))

/**
 * Declared in package.json or in a package.json between the file and the root, as Node resolves it
 * (a folder with its own install, such as bench/durable-refs/agents-app, declares its own packages).
 */
function declaredAbove(name: string, file: string): boolean {
  for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) {
    if (existsSync(join(ROOT, dir, 'package.json')) && declaredIn(join(dir, 'package.json'))(name)) return true
  }
  return declaredIn('package.json')(name)
}

describe('package.json', () => {
  const files = codeFiles(ROOT)

  it('declares every package the code imports', () => {
    expect(files.length).toBeGreaterThan(300)
    expect(undeclared(files, declaredAbove)).toEqual([])
  })

  it("aws/agent/package.json declares every package the agent's image sources import", () => {
    const ignored = readFileSync(join(ROOT, 'aws/agent/.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`))
    const imageSources = files.filter((f) => /^aws\/agent\/[^/]+$/.test(f) && !ignored.some((p) => p.test(f.slice('aws/agent/'.length))))
    expect(imageSources).toContain('aws/agent/main.ts')
    expect(imageSources).not.toContain('aws/agent/testing.ts')
    expect(undeclared(imageSources, declaredIn('aws/agent/package.json'))).toEqual([])
  })
})
