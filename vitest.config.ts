import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.test.{ts,tsx}'], exclude: ['packages/web/**'] },
      },
      {
        extends: true,
        test: { name: 'web', include: ['packages/web/src/**/*.test.{ts,tsx}'], environment: 'jsdom' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/e2e/**/*.test.ts', 'e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Each file starts an orchestrator and several Claude Code processes: one file at a time keeps a
          // 2-core machine from starving them into timeouts.
          fileParallelism: false,
        },
      },
    ],
    testTimeout: 30_000,
    env: { IS_SANDBOX: '1' },
  },
});
