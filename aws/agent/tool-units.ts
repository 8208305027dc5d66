import { tool } from '@strands-agents/sdk'
import { z } from 'zod'
import { convertUnits } from './tool-math'

/** The unit converter tool: lengths, masses, temperatures, volumes, speeds, data sizes... */
export const unitConverterTool = tool({
  name: 'convert_units',
  description: 'Converts a value between units, e.g. 5 km to mile, 72 degF to degC, 3 lb to kg, 1 GiB to MB.',
  inputSchema: z.object({
    value: z.number().finite(),
    from: z.string().min(1).max(40).describe('The unit of the value, e.g. km, degF, lb'),
    to: z.string().min(1).max(40).describe('The unit to convert to, e.g. mile, degC, kg'),
  }),
  callback: ({ value, from, to }) => ({ value, from, to, result: convertUnits(value, from, to) }),
})
