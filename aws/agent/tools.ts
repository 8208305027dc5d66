/**
 * The agent's tools: small, offline and deterministic (given the clock), so the same agent loop that
 * Bedrock drives (toolUse -> tool result -> continue) runs here without a network.
 */
import { calculatorTool } from './tool-calculator'
import { createClockTool } from './tool-clock'
import { unitConverterTool } from './tool-units'

export function createTools(now?: () => Date) {
  return [createClockTool(now), calculatorTool, unitConverterTool]
}
