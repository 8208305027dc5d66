import { tool } from '@strands-agents/sdk'
import { z } from 'zod'
import { evaluateExpression } from './tool-math'

/** The calculator tool: arithmetic the model should not do in its head. */
export const calculatorTool = tool({
  name: 'calculator',
  description: 'Evaluates an arithmetic expression exactly, e.g. "(12.5 * 4) / 3", "sqrt(2) ^ 3", "15% * 80". Use it for any arithmetic.',
  inputSchema: z.object({ expression: z.string().min(1).max(500).describe('The expression, in mathjs syntax') }),
  callback: ({ expression }) => ({ expression, result: evaluateExpression(expression) }),
})
