/**
 * The local Lambda: a Runtime API and a pool of aws-lambda-ric processes running a bundled handler.
 * See README.md ("Local Lambda Runtime API") and ./types.ts for the contract.
 */
export { startLambdaPool } from './pool'
export { lambdaEnvironment, functionArn, type LambdaFunctionConfig } from './lambda-env'
export {
  TooManyRequestsException,
  type InvokeOptions,
  type InvokeOutcome,
  type LambdaPool,
  type LambdaPoolOptions,
  type LambdaPoolStats,
  type LambdaResponse,
} from './types'
