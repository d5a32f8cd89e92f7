import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Request variables and headers may carry secrets and API keys; they are never logged.
const redact = ['req.headers["x-api-key"]', 'headers["x-api-key"]', 'variables', '*.variables', 'params.variables'];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' } }, destination);
}
