import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER, resolveGlobalOptions } from './global-options.js';

describe('resolveGlobalOptions', () => {
  it('defaults to the local server, no token, colour on a terminal', () => {
    expect(resolveGlobalOptions({ color: true }, {}, true)).toEqual({
      server: DEFAULT_SERVER,
      token: null,
      json: false,
      color: true,
    });
  });

  it('takes the environment, and flags over it', () => {
    const env = { FANOUT_SERVER: 'http://fanout.example:8080/', FANOUT_API_TOKEN: 'env-token' };
    expect(resolveGlobalOptions({}, env, false)).toMatchObject({
      server: 'http://fanout.example:8080',
      token: 'env-token',
    });
    expect(
      resolveGlobalOptions({ server: 'https://other/x/', token: 'flag-token' }, env, false),
    ).toMatchObject({
      server: 'https://other/x',
      token: 'flag-token',
    });
    expect(resolveGlobalOptions({}, { FANOUT_SERVER: ' ', FANOUT_API_TOKEN: '' }, false)).toMatchObject({
      server: DEFAULT_SERVER,
      token: null,
    });
  });

  it('turns colour off for pipes, --no-color and NO_COLOR; FORCE_COLOR turns it on', () => {
    expect(resolveGlobalOptions({}, {}, false).color).toBe(false);
    expect(resolveGlobalOptions({ color: false }, {}, true).color).toBe(false);
    expect(resolveGlobalOptions({}, { NO_COLOR: '1' }, true).color).toBe(false);
    expect(resolveGlobalOptions({}, { FORCE_COLOR: '1' }, false).color).toBe(true);
    expect(resolveGlobalOptions({}, { FORCE_COLOR: '0' }, false).color).toBe(false);
  });

  it('refuses a server that is not an http(s) URL', () => {
    expect(() => resolveGlobalOptions({ server: 'localhost:7420' }, {}, false)).toThrow(
      /^server: must be an http/,
    );
    expect(() => resolveGlobalOptions({ server: 'ftp://x' }, {}, false)).toThrow(/^server: /);
    expect(() => resolveGlobalOptions({ server: 'http://x/?a=1' }, {}, false)).toThrow(/^server: /);
  });
});
