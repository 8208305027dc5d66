import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway'
import { JsonSchemaType, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway'

/**
 * The request bodies API Gateway validates before the Lambda runs (a request validator with these
 * models answers 400 `{"message": "Invalid request body"}` otherwise). The limits are the protocol's
 * (protocol/request.ts): a non-blank prompt of at most `maxPromptChars` characters, an optional
 * session id of 33–256 characters of [A-Za-z0-9_-] (absent, null or empty starts a new session), and
 * for cancel a required session id. Extra members pass, as they do in the protocol's schemas (which
 * drop them). JSON Schema draft 4 counts a string's length in characters (code points), as the
 * protocol does. request-models.test.ts checks the models against the protocol's schemas.
 */
const SESSION_ID = '^[A-Za-z0-9_-]{33,256}$'

export function invokeModelSchema(maxPromptChars: number): JsonSchema {
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: 'InvokeRequest',
    type: JsonSchemaType.OBJECT,
    required: ['prompt'],
    properties: {
      // `\S`: blank prompts are refused, as the protocol refuses them.
      prompt: { type: JsonSchemaType.STRING, minLength: 1, maxLength: maxPromptChars, pattern: '\\S' },
      sessionId: {
        oneOf: [
          { type: JsonSchemaType.STRING, pattern: SESSION_ID },
          { type: JsonSchemaType.STRING, maxLength: 0 },
          { type: JsonSchemaType.NULL },
        ],
      },
      // Edit, regenerate and retry: the prompt of the last exchange this one replaces, a prompt itself.
      replaces: { type: JsonSchemaType.STRING, minLength: 1, maxLength: maxPromptChars, pattern: '\\S' },
    },
  }
}

export function cancelModelSchema(): JsonSchema {
  return {
    schema: JsonSchemaVersion.DRAFT4,
    title: 'CancelRequest',
    type: JsonSchemaType.OBJECT,
    required: ['sessionId'],
    properties: {
      sessionId: { type: JsonSchemaType.STRING, pattern: SESSION_ID },
    },
  }
}
