/** Small helpers around @kubernetes/client-node 1.4 calls: errors, retries, and the logger shape. */

/** The logger the executor needs: the orchestrator's pino logger fits, and so does a test double. */
export interface ExecutorLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** The HTTP status of a failed call (client-node puts it in `code`), or null for a network error. */
export function apiStatus(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return null;
}

/** The API server's own words for a failed call (the `message` of its Status body), else the error's. */
export function apiMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const body = (err as { body?: unknown }).body;
    if (typeof body === 'string') {
      try {
        const status = JSON.parse(body) as { message?: unknown };
        if (typeof status.message === 'string') return status.message;
      } catch {
        // Not JSON: fall through.
      }
    }
    if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  }
  return String(err);
}

/** Retryable: the server was unavailable or overloaded, or the connection failed. */
export function isTransient(err: unknown): boolean {
  const status = apiStatus(err);
  return status === null || status === 429 || status >= 500;
}

/** Calls `fn`, again after a short pause when it fails transiently, up to `attempts` times. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 3, pauseMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * 2 ** (attempt - 1)));
    }
  }
}
