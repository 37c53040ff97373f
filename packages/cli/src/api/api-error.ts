import { parseApiErrorBody, type ApiErrorCode } from '@fanout/shared';
import { CliError, EXIT } from '../cli-error.js';

/** How the server's error codes become CLI errors: the server's message, and an exit code. */
const EXIT_FOR_CODE: Partial<Record<ApiErrorCode, number>> = {
  invalid_request: EXIT.usage,
  payload_too_large: EXIT.usage,
};

const START_HINT = 'is it running? start it with npm start';

/** A CLI error for an HTTP answer that is not a success, from the API's `{error: {code, message}}`. */
export function errorFromResponse(
  server: string,
  status: number,
  statusText: string,
  body: string,
): CliError {
  const parsed = parseApiErrorBody(body);
  if (!parsed) {
    const reason = `${status}${statusText ? ` ${statusText}` : ''}`;
    return new CliError(`the server at ${server} answered ${reason}; is it a fanout server?`);
  }
  const { code, message } = parsed;
  switch (code) {
    case 'unauthorized':
      return new CliError(
        `the server at ${server} refused the request: ${message}; pass the server's token with --token or FANOUT_API_TOKEN`,
      );
    case 'not_found':
      return new CliError(
        `the server at ${server} does not know this request (${message}); is it a fanout server?`,
      );
    case 'internal':
    case 'unavailable':
      return new CliError(`the server at ${server} failed: ${message}`);
    default:
      return new CliError(message, EXIT_FOR_CODE[code as ApiErrorCode] ?? EXIT.failed);
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is self-signed',
};

/** The errors behind a failed `fetch`, outermost first (undici wraps the cause, sometimes in an AggregateError). */
function causes(error: unknown): { code?: unknown; message?: unknown }[] {
  const chain: { code?: unknown; message?: unknown }[] = [];
  let current: unknown = error;
  while (chain.length < 6 && typeof current === 'object' && current !== null) {
    chain.push(current as { code?: unknown; message?: unknown });
    const inner = (current as { errors?: unknown }).errors;
    current = Array.isArray(inner) && inner.length > 0 ? inner[0] : (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The system error code behind a failed `fetch` (e.g. `ECONNREFUSED`). */
export function networkErrorCode(error: unknown): string | undefined {
  const found = causes(error).find((e) => typeof e.code === 'string' && e.code !== 'ABORT_ERR');
  return found?.code as string | undefined;
}

/** Why a request got no answer, in a few words: `connection refused`, or the innermost message. */
function networkReason(error: unknown): { code: string | undefined; reason: string } {
  const code = networkErrorCode(error);
  if (code) return { code, reason: NETWORK_REASONS[code] ?? code };
  const messages = causes(error)
    .map((e) => e.message)
    .filter((m): m is string => typeof m === 'string' && m !== '');
  return { code, reason: messages.at(-1) ?? String(error) };
}

/** A request that never got an answer (refused, reset, timed out): worth retrying when following a run. */
export class ConnectionError extends CliError {
  constructor(message: string) {
    super(message, EXIT.failed);
    this.name = 'ConnectionError';
  }
}

/** A CLI error for a request that never got an answer. */
export function errorFromNetwork(server: string, error: unknown): CliError {
  if (CliError.isInstance(error)) return error;
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new ConnectionError(`the fanout server at ${server} did not answer in time`);
  }
  const { code, reason } = networkReason(error);
  const hint = code === 'ECONNREFUSED' ? ` (${START_HINT})` : '';
  return new ConnectionError(`cannot reach the fanout server at ${server}: ${reason}${hint}`);
}
