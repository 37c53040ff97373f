import { parseApiErrorBody } from '@fanout/shared';

/** A failed API call: the server's error code and message, and the field it names for a 400. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The request field the server refused (`details.field`), if it named one. */
  readonly field: string | null;
  /** Why the field was refused (`details.reason`), without the field name. */
  readonly reason: string | null;

  constructor(
    status: number,
    code: string,
    message: string,
    field: string | null = null,
    reason: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.reason = reason;
  }
}

/** Builds an ApiError from a non-2xx response's status and body text (JSON error body or anything else). */
export function apiErrorFromResponse(status: number, bodyText: string): ApiError {
  const body = parseApiErrorBody(bodyText);
  if (body) {
    const field = typeof body.details['field'] === 'string' ? body.details['field'] : null;
    const reason = typeof body.details['reason'] === 'string' ? body.details['reason'] : null;
    return new ApiError(status, body.code, body.message, field, reason);
  }
  const text = bodyText.trim().slice(0, 200);
  return new ApiError(status, `http_${status}`, `The server answered ${status}${text ? `: ${text}` : ''}`);
}

/** A network failure (server down, connection refused) as an ApiError with status 0. */
export function networkError(cause: unknown): ApiError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, 'network', `Cannot reach the fanout server (${detail})`);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
