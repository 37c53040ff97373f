import { describe, expect, it } from 'vitest';
import { EXIT } from '../cli-error.js';
import { ConnectionError, errorFromNetwork, errorFromResponse, networkErrorCode } from './api-error.js';

const SERVER = 'http://127.0.0.1:7420';
const body = (code: string, message: string) => JSON.stringify({ error: { code, message, details: {} } });

describe('errorFromResponse', () => {
  it("uses the API's message; invalid requests are usage errors", () => {
    const invalid = errorFromResponse(
      SERVER,
      400,
      'Bad Request',
      body('invalid_request', 'agents: must be an integer from 1 to 16'),
    );
    expect(invalid.message).toBe('agents: must be an integer from 1 to 16');
    expect(invalid.exitCode).toBe(EXIT.usage);
    const missing = errorFromResponse(SERVER, 404, 'Not Found', body('run_not_found', 'no run with id "x"'));
    expect(missing.message).toBe('no run with id "x"');
    expect(missing.exitCode).toBe(EXIT.failed);
    expect(
      errorFromResponse(SERVER, 409, '', body('conflict', 'run r has already finished (succeeded)')).message,
    ).toBe('run r has already finished (succeeded)');
  });

  it('says what to do about a token, and when the server is not a fanout server', () => {
    expect(
      errorFromResponse(SERVER, 401, '', body('unauthorized', 'missing or wrong bearer token')).message,
    ).toMatch(/--token or FANOUT_API_TOKEN$/);
    expect(errorFromResponse(SERVER, 502, 'Bad Gateway', '<html>').message).toBe(
      `the server at ${SERVER} answered 502 Bad Gateway; is it a fanout server?`,
    );
    expect(errorFromResponse(SERVER, 404, '', body('not_found', 'no such API route')).message).toMatch(
      /is it a fanout server/,
    );
  });
});

describe('errorFromNetwork', () => {
  it('finds the system error code inside fetch errors', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(networkErrorCode(refused)).toBe('ECONNREFUSED');
    const error = errorFromNetwork(SERVER, refused);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toBe(
      `cannot reach the fanout server at ${SERVER}: connection refused (is it running? start it with npm start)`,
    );
    const both = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]),
    });
    expect(networkErrorCode(both)).toBe('ECONNREFUSED');
  });

  it('falls back to the innermost message, and names timeouts', () => {
    const odd = new TypeError('fetch failed', { cause: new Error('bad port') });
    expect(errorFromNetwork(SERVER, odd).message).toBe(
      `cannot reach the fanout server at ${SERVER}: bad port`,
    );
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(errorFromNetwork(SERVER, timeout).message).toBe(
      `the fanout server at ${SERVER} did not answer in time`,
    );
  });
});
