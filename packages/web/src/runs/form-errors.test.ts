import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { checkNewRun, formErrorsFrom, parseAgentCount } from './form-errors';

describe('formErrorsFrom', () => {
  it('puts a field error next to its field in the API’s words', () => {
    const error = new ApiError(
      400,
      'invalid_request',
      'agents: must be an integer from 1 to 16',
      'agents',
      'must be an integer from 1 to 16',
    );
    expect(formErrorsFrom(error)).toEqual({
      fields: { agents: 'Must be an integer from 1 to 16' },
      form: null,
    });
  });

  it('falls back to the message without its field prefix when there is no reason', () => {
    const error = new ApiError(400, 'invalid_request', 'prompt: must not be empty', 'prompt');
    expect(formErrorsFrom(error).fields.prompt).toBe('Must not be empty');
  });

  it('shows errors that name no field of the form above the button', () => {
    const error = new ApiError(
      400,
      'invalid_request',
      'baseRef: needs baseRepo',
      'baseRef',
      'needs baseRepo',
    );
    expect(formErrorsFrom(error)).toEqual({ fields: {}, form: 'baseRef: needs baseRepo' });
    expect(formErrorsFrom(new ApiError(0, 'network', 'Cannot reach the fanout server')).form).toBe(
      'Cannot reach the fanout server',
    );
  });
});

describe('parseAgentCount', () => {
  it('sends numbers as numbers and anything else as null for the server to refuse', () => {
    expect(parseAgentCount('3')).toBe(3);
    expect(parseAgentCount(' 0 ')).toBe(0);
    expect(parseAgentCount('2.5')).toBe(2.5);
    expect(parseAgentCount('')).toBeNull();
    expect(parseAgentCount('three')).toBeNull();
  });
});

describe('checkNewRun', () => {
  it('refuses what the API would refuse, with the same words', () => {
    expect(checkNewRun({ prompt: ' ', agents: 17 }, 16)).toEqual({
      fields: { prompt: 'Must not be empty', agents: 'Must be an integer from 1 to 16' },
      form: null,
    });
    expect(checkNewRun({ prompt: 'p', agents: null }, 4)?.fields.agents).toBe(
      'Must be an integer from 1 to 4',
    );
    expect(checkNewRun({ prompt: 'p', agents: 2.5 }, 4)?.fields.agents).toBe(
      'Must be an integer from 1 to 4',
    );
  });

  it('lets a good request through', () => {
    expect(checkNewRun({ prompt: 'p', agents: 3, model: 'claude-x' }, 16)).toBeNull();
  });
});
