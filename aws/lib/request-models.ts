import type { JsonSchema, JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway'
import { MAX_HISTORY_CHARS, MAX_HISTORY_MESSAGES, SESSION_ID_PATTERN, USER_ID_PATTERN } from '../../protocol/request'

/**
 * The request bodies API Gateway validates before the Lambda runs (a request validator with these
 * models answers 400 `{"message": "Invalid request body"}` otherwise). The limits are the protocol's,
 * taken from its constants (protocol/request.ts), never written again here: a non-blank prompt of at most `maxPromptChars` characters, an optional
 * session id of 33–256 characters of [A-Za-z0-9_-] (absent, null or empty starts a new session), and
 * for cancel a required session id; at most MAX_HISTORY_MESSAGES earlier messages, none longer than
 * MAX_HISTORY_CHARS (their total is the Lambda's to check: JSON Schema cannot sum lengths). Extra
 * members pass, as they do in the protocol's schemas (which drop them). JSON Schema draft 4 counts a string's length in characters (code points), as the
 * protocol does. request-models.test.ts checks the models against the protocol's schemas.
 *
 * CDK's enums written as their values (type imports only): the local API Gateway emulator validates
 * with these models too (toDraft4), without loading aws-cdk-lib.
 */
const SESSION_ID = SESSION_ID_PATTERN.source
const USER_ID = USER_ID_PATTERN.source
const DRAFT4 = 'http://json-schema.org/draft-04/schema#' as JsonSchemaVersion
const OBJECT = 'object' as JsonSchemaType
const STRING = 'string' as JsonSchemaType
const NULL = 'null' as JsonSchemaType
const ARRAY = 'array' as JsonSchemaType
const INTEGER = 'integer' as JsonSchemaType

export function invokeModelSchema(maxPromptChars: number): JsonSchema {
  return {
    schema: DRAFT4,
    title: 'InvokeRequest',
    type: OBJECT,
    required: ['prompt'],
    properties: {
      // `\S`: blank prompts are refused, as the protocol refuses them.
      prompt: { type: STRING, minLength: 1, maxLength: maxPromptChars, pattern: '\\S' },
      sessionId: {
        oneOf: [
          { type: STRING, pattern: SESSION_ID },
          { type: STRING, maxLength: 0 },
          { type: NULL },
        ],
      },
      // Edit, regenerate and retry: the prompt of the last exchange this one replaces, a prompt itself.
      replaces: { type: STRING, minLength: 1, maxLength: maxPromptChars, pattern: '\\S' },
      // Set by the edge only: the conversation's owner (AgentCore's runtimeUserId) and its earlier
      // turns (protocol/request.ts). One message cannot exceed the history's total; the total itself
      // is the Lambda's to check.
      userId: { type: STRING, pattern: USER_ID },
      history: {
        type: ARRAY,
        maxItems: MAX_HISTORY_MESSAGES,
        items: {
          type: OBJECT,
          required: ['role', 'text'],
          properties: { role: { type: STRING, enum: ['user', 'assistant'] }, text: { type: STRING, maxLength: MAX_HISTORY_CHARS } },
        },
      },
      // Set by the edge only: the id of the answer's first event, when it asks the Lambda to number them.
      firstEventId: { type: INTEGER, minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    },
  }
}

export function cancelModelSchema(): JsonSchema {
  return {
    schema: DRAFT4,
    title: 'CancelRequest',
    type: OBJECT,
    required: ['sessionId'],
    properties: {
      sessionId: { type: STRING, pattern: SESSION_ID },
    },
  }
}

// CDK's JsonSchema spells JSON Schema's `$`-keywords without the `$` (aws-cdk-lib/aws-apigateway's
// JsonSchemaMapper restores them when it writes the model).
const DOLLAR_KEYWORDS = new Set(['schema', 'ref', 'id'])
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies'])

/** A model as API Gateway stores it: JSON Schema draft 4 (request-models.test.ts compares it with CDK's output). */
export function toDraft4(schema: JsonSchema): Record<string, unknown> {
  const convert = (value: unknown, inMap: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => convert(v, false))
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [inMap || !DOLLAR_KEYWORDS.has(k) ? k : `$${k}`, convert(v, !inMap && SUBSCHEMA_MAPS.has(k))]),
    )
  }
  return convert(schema, false) as Record<string, unknown>
}
