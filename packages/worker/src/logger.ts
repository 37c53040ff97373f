/** The worker's one logger: JSON lines on stderr (which the executor sends to meta/agent-N/worker.log). */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  base: Record<string, unknown>,
  write: (line: string) => void = (line) => process.stderr.write(line),
  clock: () => Date = () => new Date(),
): Logger {
  const log = (level: string, msg: string, fields?: Record<string, unknown>) => {
    write(JSON.stringify({ time: clock().toISOString(), level, msg, ...base, ...fields }) + '\n');
  };
  return {
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** The message of anything thrown, for logs and recorded errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
