/**
 * aws-lambda-ric without its native addon: start a runtime process with `node --require
 * <REGISTER_PATH> <aws-lambda-ric entry>` and the addon's three calls go over node:http
 * (./register.cjs, ./http-client.cjs).
 */
import { fileURLToPath } from 'node:url'

export const REGISTER_PATH = fileURLToPath(new URL('./register.cjs', import.meta.url))
