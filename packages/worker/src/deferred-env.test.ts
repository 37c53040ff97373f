import { describe, expect, it } from 'vitest';
import { deferWorkerEnv, restoreDeferredEnv } from './deferred-env.js';

describe('deferred environment', () => {
  it('moves NODE_EXTRA_CA_CERTS aside and leaves the rest as it was', () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' };
    expect(deferWorkerEnv(env)).toEqual({ PATH: '/bin', FANOUT_NODE_EXTRA_CA_CERTS: '/ca.pem' });
    expect(env).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
  });

  it('adds nothing when the variable is not set', () => {
    expect(deferWorkerEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: undefined })).toEqual({
      PATH: '/bin',
      NODE_EXTRA_CA_CERTS: undefined,
    });
  });

  it('restores what was deferred, in place, and drops the stand-in', () => {
    const env: NodeJS.ProcessEnv = deferWorkerEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '' });
    restoreDeferredEnv(env);
    expect(env).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '' });
    const untouched: NodeJS.ProcessEnv = { PATH: '/bin' };
    restoreDeferredEnv(untouched);
    expect(untouched).toEqual({ PATH: '/bin' });
  });
});
