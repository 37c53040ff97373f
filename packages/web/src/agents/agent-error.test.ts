import { describe, expect, it } from 'vitest';
import { explainAgentError } from './agent-error';

describe('explainAgentError', () => {
  it('says what happened in plain words, with the HTTP status explained', () => {
    const explained = explainAgentError({ code: 'model_error', message: ' invalid x-api-key ', status: 401 });
    expect(explained.summary).toBe(
      'The model service answered with an error, so the agent could not go on. (HTTP 401: the API key was refused) Work done until then was committed to its branch.',
    );
    expect(explained.detail).toBe('invalid x-api-key');
  });

  it('does not promise committed work when the agent never started', () => {
    expect(
      explainAgentError({ code: 'setup_failed', message: 'git worktree add failed' }).summary,
    ).not.toContain('committed');
    expect(explainAgentError({ code: 'timeout', message: '' }).summary).toContain('ran out of time');
  });
});
