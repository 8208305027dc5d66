/**
 * Structured logs: one JSON object per line on stdout, which Lambda ships to CloudWatch as-is.
 * Prompt text stays out unless LOG_PROMPTS=true (aws/lambda/config.ts); callers log sizes and ids instead.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger whose lines carry `fields` too (request id, session id). */
  with(fields: LogFields): Logger
}

export function createLogger(base: LogFields = {}, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }, errorReplacer))
  }
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    with: (fields) => createLogger({ ...base, ...fields }, write),
  }
}

/** Errors serialize to name/message (and an SDK's status code), not to `{}`. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const status = (value as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    return { name: value.name, message: value.message, ...(status ? { status } : {}) }
  }
  return value
}
