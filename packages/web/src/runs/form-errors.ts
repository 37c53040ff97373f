import { runRequestSchema } from '@fanout/shared';
import { ApiError } from '../api/api-error';
import type { NewRunBody } from '../api/client';

export const FORM_FIELDS = ['prompt', 'agents', 'model', 'budgetUsd', 'check', 'setup'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface FormErrors {
  fields: Partial<Record<FormField, string>>;
  /** An error that names no field of the form (server down, 500, 413…). */
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Puts the API's answer next to the field it names, in the API's own words. */
export function formErrorsFrom(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return { fields: {}, form: String(error) };
  const field = FORM_FIELDS.find((f) => f === error.field);
  if (field) {
    const reason = error.reason ?? error.message.replace(new RegExp(`^${field}:\\s*`), '');
    return { fields: { [field]: capitalize(reason) }, form: null };
  }
  if (error.status === 413)
    return { fields: { prompt: 'The prompt is too large for the server' }, form: null };
  return { fields: {}, form: error.message };
}

/** The number the agents field holds, or null (which the API refuses with its own message). */
export function parseAgentCount(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** The budget field: absent when empty, else the number it holds (null when it is not one). */
export function parseBudget(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/^\$/, '');
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/**
 * Checks a new run against the contract's own request schema before it is sent, so the form shows the
 * very words the API would answer with, without a failed request. The server still checks everything.
 */
export function checkNewRun(body: NewRunBody, maxAgents: number): FormErrors | null {
  const result = runRequestSchema(maxAgents).safeParse(body);
  if (result.success) return null;
  const fields: FormErrors['fields'] = {};
  for (const issue of result.error.issues) {
    const field = FORM_FIELDS.find((f) => f === issue.path[0]);
    if (field && !fields[field]) fields[field] = capitalize(issue.message);
  }
  // An issue with no field of this form: let the server answer it in its own words.
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}
