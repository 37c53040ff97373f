import type { FanoutError } from '@fanout/shared';
import { invalidField } from '@fanout/shared';
import type { z } from 'zod';

/** The first problem zod found, as the API's invalid_request naming the field and the reason. */
export function zodToFanoutError(error: z.ZodError): FanoutError {
  const issue = error.issues[0];
  if (!issue) return invalidField('body', 'is invalid');
  if (issue.code === 'unrecognized_keys') {
    return invalidField(issue.keys[0] ?? 'body', 'is not a known field');
  }
  const field = issue.path.length ? issue.path.join('.') : 'body';
  return invalidField(field, issue.message);
}

/** Parses a JSON request body against a schema; any problem is a 400 naming the field. */
export function parseJsonBody<T>(text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidField('body', 'must be valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField('body', 'must be a JSON object');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodToFanoutError(parsed.error);
  return parsed.data;
}
