/**
 * What can be checked of the container image without a Docker engine: the Dockerfile's instructions,
 * that the image's package files install the very versions the tests run, and that the bundle built
 * from the Docker build context alone starts under plain node and serves the contract.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from './config'
import { invoke, newTestSessionId, ping, readAll } from './testing'

const here = import.meta.dirname
const root = join(here, '..', '..')
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))

/** The Dockerfile as instructions (dockerfile-ast), stage by stage: what Docker would read, not its text. */
const dockerfile = DockerfileParser.parse(readFileSync(join(here, 'Dockerfile'), 'utf8'))
const stages = dockerfile.getInstructions().reduce<Instruction[][]>((all, i) => (i.getKeyword() === 'FROM' ? [...all, [i]] : (all.at(-1)?.push(i), all)), [])
const [buildStage, finalStage] = [stages[0] ?? [], stages.at(-1) ?? []]
const argsOf = (stage: Instruction[], keyword: string) => stage.filter((i) => i.getKeyword() === keyword).map((i) => i.getArguments().map((a) => a.getValue()))
/** The final stage's environment, as the container starts with it. */
const imageEnv = Object.fromEntries(dockerfile.getENVs().filter((e) => finalStage.includes(e)).flatMap((e) => e.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])))
/** The final stage's CMD, exec form. */
const imageCmd = (dockerfile.getCMDs().find((c) => finalStage.includes(c)) as unknown as { getJSONStrings(): Array<{ getJSONValue(): string }> } | undefined)
  ?.getJSONStrings()
  .map((s) => s.getJSONValue())

describe('Dockerfile', () => {
  it('builds on the builder\'s platform with Node 22 or later and runs on linux/arm64, the only architecture AgentCore runs', () => {
    const froms = dockerfile.getFROMs()
    expect(froms).toHaveLength(2)
    for (const from of froms) {
      expect(from.getImageName()).toBe('node')
      expect(Number.parseInt(from.getImageTag() ?? '', 10)).toBeGreaterThanOrEqual(22)
    }
    expect(froms.map((f) => f.getPlatformFlag()?.getValue())).toEqual(['$BUILDPLATFORM', 'linux/arm64'])
  })

  it('starts the agent where AgentCore calls it: its environment makes the agent\'s configuration 0.0.0.0:8080', () => {
    expect(loadConfig(imageEnv)).toMatchObject({ host: '0.0.0.0', port: 8080, modelId: undefined })
    expect(argsOf(finalStage, 'EXPOSE')).toEqual([[String(loadConfig(imageEnv).port)]])
  })

  it('runs as a non-root user, with production dependencies only, and runs nothing on arm64 (no emulation needed)', () => {
    expect(argsOf(finalStage, 'USER')).toEqual([['node']])
    expect(argsOf(finalStage, 'RUN')).toEqual([])
    expect(argsOf(buildStage, 'RUN').flat().join(' ')).toContain('npm ci --omit=dev')
  })
})

describe('the image package', () => {
  const agentPackage = readJson(join(here, 'package.json'))
  const rootPackage = readJson(join(root, 'package.json'))
  const agentLock = readJson(join(here, 'package-lock.json')).packages
  const rootLock = readJson(join(root, 'package-lock.json')).packages

  it('pins the same versions the project tests with', () => {
    const deps = { ...agentPackage.dependencies, ...agentPackage.devDependencies }
    for (const [name, version] of Object.entries(deps)) {
      expect(version, name).toBe(rootPackage.dependencies[name] ?? rootPackage.devDependencies[name])
    }
    expect(agentLock[''].dependencies).toEqual(agentPackage.dependencies)
    // By package, not by path: the two lockfiles may hoist a package differently (the root nests
    // @smithy/eventstream-codec 1.x under @aws-sdk/signature-v4 because it uses 4.x itself).
    const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    const rootVersions = new Map<string, Set<string>>()
    for (const [path, entry] of Object.entries<{ version: string }>(rootLock)) {
      if (path) rootVersions.set(nameOf(path), (rootVersions.get(nameOf(path)) ?? new Set()).add(entry.version))
    }
    for (const [path, entry] of Object.entries<{ version: string }>(agentLock)) {
      const versions = rootVersions.get(nameOf(path))
      if (path && versions) expect([...versions], path).toContain(entry.version)
    }
  })

  it('has no production dependency with install scripts or a platform of its own', () => {
    const native = Object.entries<{ dev?: boolean; hasInstallScript?: boolean; os?: string[]; cpu?: string[] }>(agentLock).filter(
      ([path, entry]) => path && !entry.dev && (entry.hasInstallScript || entry.os || entry.cpu),
    )
    expect(native.map(([path]) => path)).toEqual([])
  })
})

describe('the bundle built from the Docker build context', () => {
  let context: string
  let child: ChildProcess
  let url: string
  let stderr = ''

  beforeAll(async () => {
    // The build context as .dockerignore leaves it, and of it what the build stage's COPY lines copy.
    context = mkdtempSync(join(tmpdir(), 'agent-image-'))
    const ignored = dockerignore(readFileSync(join(here, '.dockerignore'), 'utf8'))
    const copies = dockerignore(argsOf(buildStage, 'COPY').flatMap((args) => args.slice(0, -1)).join('\n'))
    for (const file of readdirSync(here)) {
      if (copies(file) && !ignored(file)) cpSync(join(here, file), join(context, file))
    }
    symlinkSync(join(root, 'node_modules'), join(context, 'node_modules'), 'dir')
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: context, encoding: 'utf8' })
    expect(build.status, build.stderr).toBe(0)

    // The image's CMD with the image's environment; only the address is this machine's (a shared one:
    // port 0, loopback), which the Dockerfile test above checks separately.
    const [command, ...args] = imageCmd ?? []
    expect(command).toBe('node')
    child = spawn(process.execPath, args, {
      cwd: context,
      env: { PATH: process.env.PATH, ...imageEnv, AGENT_HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', OFFLINE_FIRST_TOKEN_MS: '0', OFFLINE_TOKENS_PER_SECOND: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    for await (const line of createInterface({ input: child.stdout! })) {
      const ready = line.startsWith('{') ? JSON.parse(line) : undefined
      if (ready?.event === 'agent_ready') {
        url = ready.url
        expect(ready.model).toBe('offline')
        break
      }
    }
  })

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(context, { recursive: true, force: true })
  })

  it('keeps dependencies external and needs nothing outside the context', () => {
    const bundle = readFileSync(join(context, 'dist', 'main.js'), 'utf8')
    expect(bundle).toMatch(/from "bedrock-agentcore\/runtime"/)
    expect(bundle).toMatch(/from "@strands-agents\/sdk"/)
    expect(bundle).not.toMatch(/protocol\//)
  })

  it('starts under plain node, answers /ping and streams an answer', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await ping(url)).status).toBe('Healthy')
    const yields = await readAll(await invoke(url, newTestSessionId(), { prompt: 'from the bundle' }))
    expect(yields.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('exits cleanly on SIGTERM (AgentCore stops containers that way), having printed no warning', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toBe('')
  })
})

/** The top-level name patterns of a .dockerignore (`*` wildcards; that is all ours uses). */
function dockerignore(text: string): (name: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`))
  return (name) => patterns.some((pattern) => pattern.test(name))
}
