import { common, createLowlight } from 'lowlight'
import type { TreeNode } from './highlight-dom'

/**
 * Syntax highlighting for finished code blocks: lowlight (highlight.js's grammars, 37 common
 * languages) returns a syntax tree rather than an HTML string, so the result is built as DOM nodes
 * like the rest of the answer (highlight-dom.ts). This module is large and loaded on demand, in the
 * highlighting Worker (highlight-worker.ts), or on the page where Workers are unavailable (highlight.ts).
 */
const lowlight = createLowlight(common)

/**
 * The highlighted tree of `text`, or undefined for an unknown or missing language: those stay plain,
 * since guessing a language costs a pass per grammar and guesses wrong on short snippets.
 */
export function highlightTree(lang: string, text: string): TreeNode[] | undefined {
  if (!lang || !lowlight.registered(lang)) return undefined
  return lowlight.highlight(lang, text).children as TreeNode[]
}
