import { destination, pino, type Logger } from 'pino';

export type { Logger };

/** The one logger: JSON lines on stderr; credentials are redacted wherever they appear as fields. */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'fanout-orchestrator' },
      redact: ['*.ANTHROPIC_API_KEY', '*.apiKey', '*.authorization', 'ANTHROPIC_API_KEY'],
    },
    options.destination ?? destination(2),
  );
}
