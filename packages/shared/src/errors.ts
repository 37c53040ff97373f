/** Stable error codes of the HTTP API and the one table that maps them to HTTP statuses. */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  run_not_found: 404,
  agent_not_found: 404,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> };
}

const MARKER = Symbol.for('fanout.FanoutError');

/** The one error type of fanout: a stable `code`, a human message and optional details. */
export class FanoutError extends Error {
  readonly [MARKER] = true;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ApiErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'FanoutError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }

  static isInstance(value: unknown): value is FanoutError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

export function invalidField(field: string, reason: string): FanoutError {
  return new FanoutError('invalid_request', `${field}: ${reason}`, { field, reason });
}

export interface ParsedApiError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** The `{error: {code, message, details?}}` of an API answer, or null when the text is not one. */
export function parseApiErrorBody(text: string): ParsedApiError | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !('error' in value)) return null;
  const error = (value as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  const detailsObject =
    typeof details === 'object' && details !== null && !Array.isArray(details)
      ? (details as Record<string, unknown>)
      : {};
  return { code, message, details: detailsObject };
}
