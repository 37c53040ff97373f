import { afterEach, describe, expect, it } from 'vitest';
import { takeApiToken } from './api-token';

afterEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});

describe('takeApiToken', () => {
  it('takes the token from the address, keeps it, and removes it from the address', () => {
    window.history.replaceState(null, '', '/runs/x?tab=diff&token=s3cret');
    expect(takeApiToken()).toBe('s3cret');
    expect(window.location.pathname + window.location.search).toBe('/runs/x?tab=diff');
    expect(takeApiToken()).toBe('s3cret');
  });

  it('has none until one is given', () => {
    expect(takeApiToken()).toBeNull();
  });
});
