// @ts-check
/**
 * Preloaded (`node --require`) into each local Lambda process (../worker.ts): when aws-lambda-ric asks
 * for its native addon (`require('./rapid-client.node')` in its index.mjs), it gets ./http-client.cjs,
 * which sends the same requests over node:http. Nothing inside node_modules changes, and the addon is
 * never loaded, whether it was built or not.
 *
 * The seam is Node's documented module customization hook, module.registerHooks() (Node >= 22.15 and
 * 24). Node 20 lacks it; there the same redirection wraps Module._resolveFilename, the resolver
 * require() calls (what module-alias and tsconfig-paths do on every Node version). Drop that branch
 * with Node 20.
 */
const Module = require('node:module')
const path = require('node:path')
const { pathToFileURL } = require('node:url')

const ADDON = './rapid-client.node'
const replacement = path.join(__dirname, 'http-client.cjs')

/** @param {string} specifier @param {string | undefined} parent the requiring file (path or file: URL) */
function isRicAddon(specifier, parent) {
  return specifier === ADDON && parent !== undefined && /[\\/]aws-lambda-ric[\\/]/.test(parent)
}

if (typeof Module.registerHooks === 'function') {
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (isRicAddon(specifier, context.parentURL)) {
        return { url: pathToFileURL(replacement).href, format: 'commonjs', shortCircuit: true }
      }
      return nextResolve(specifier, context)
    },
  })
} else {
  /** @type {any} */
  const internal = Module
  const resolveFilename = internal._resolveFilename
  internal._resolveFilename = function (/** @type {string} */ request, /** @type {any} */ parent, ...rest) {
    if (isRicAddon(request, parent?.filename)) return replacement
    return resolveFilename.call(this, request, parent, ...rest)
  }
}
