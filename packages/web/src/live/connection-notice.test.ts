import { describe, expect, it } from 'vitest';
import { connectionNotice } from './connection-notice';

describe('connectionNotice', () => {
  it('is silent while all is well', () => {
    expect(connectionNotice({ state: 'connecting', attempt: 0, error: null }, false)).toBeNull();
    expect(connectionNotice({ state: 'live', attempt: 0, error: null }, false)).toBeNull();
    expect(connectionNotice({ state: 'ended', attempt: 0, error: null }, false)).toBeNull();
  });

  it('says when the connection is lost and when it is back', () => {
    expect(connectionNotice({ state: 'reconnecting', attempt: 2, error: null }, false)).toEqual({
      tone: 'warning',
      text: 'Connection lost. Reconnecting… (attempt 2)',
    });
    expect(connectionNotice({ state: 'connecting', attempt: 1, error: null }, false)?.tone).toBe('warning');
    expect(connectionNotice({ state: 'live', attempt: 0, error: null }, true)).toEqual({
      tone: 'ok',
      text: 'Connection restored. Live updates are back.',
    });
  });
});
