/**
 * A mathjs instance for expressions that come from a model (and so, indirectly, from any user):
 * mathjs' evaluate is the well-kept parser for arithmetic and units, and its security guide
 * (mathjs.org/docs/expressions/security.html) says to switch off the functions that define or import
 * new functions or units when the expressions are untrusted. That is done here, once.
 */
import { all, create } from 'mathjs'

export const math = create(all)

const { evaluate, unit } = math

function disabled(name: string) {
  return () => {
    throw new Error(`${name} is not available in this calculator`)
  }
}

math.import(
  {
    import: disabled('import'),
    createUnit: disabled('createUnit'),
    evaluate: disabled('evaluate'),
    parse: disabled('parse'),
    simplify: disabled('simplify'),
    derivative: disabled('derivative'),
    resolve: disabled('resolve'),
    reviver: disabled('reviver'),
    // Not in the guide's list, for this tool's own reasons: these allocate arrays as large as asked
    // (`zeros(1e9)`, `1:1e9`), and random answers would make the tool non-deterministic.
    range: disabled('range'),
    zeros: disabled('zeros'),
    ones: disabled('ones'),
    identity: disabled('identity'),
    random: disabled('random'),
    randomInt: disabled('randomInt'),
    pickRandom: disabled('pickRandom'),
  },
  { override: true },
)

/** Evaluates an arithmetic expression (numbers, operators, functions such as sqrt, constants such as pi). */
export function evaluateExpression(expression: string): string {
  if (expression.length > 500) throw new Error('the expression is longer than 500 characters')
  const value = evaluate(expression)
  if (typeof value === 'function' || value === undefined) throw new Error('the expression has no value')
  return math.format(value, { precision: 12 })
}

/** Converts `value` from one unit to another (km to mile, degC to degF, kg to lb, ...). */
export function convertUnits(value: number, from: string, to: string): string {
  return math.format(unit(value, from).to(to), { precision: 8 })
}
