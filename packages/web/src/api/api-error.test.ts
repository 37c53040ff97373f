import { describe, expect, it } from 'vitest';
import { apiErrorFromResponse } from './api-error';

describe('apiErrorFromResponse', () => {
  it('reads the code, message, field and reason of an API error body', () => {
    const body = {
      error: {
        code: 'invalid_request',
        message: 'agents: must be an integer from 1 to 16',
        details: { field: 'agents', reason: 'must be an integer from 1 to 16' },
      },
    };
    const error = apiErrorFromResponse(400, JSON.stringify(body));
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'agents: must be an integer from 1 to 16',
      field: 'agents',
      reason: 'must be an integer from 1 to 16',
    });
  });

  it('turns a body that is not an API error into a readable message', () => {
    const error = apiErrorFromResponse(502, '<html>Bad Gateway</html>');
    expect(error.code).toBe('http_502');
    expect(error.message).toBe('The server answered 502: <html>Bad Gateway</html>');
    expect(error.field).toBeNull();
    expect(apiErrorFromResponse(500, '').message).toBe('The server answered 500');
  });
});
