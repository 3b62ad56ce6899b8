import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A throwaway PostgreSQL cluster for the tests of the PostgreSQL store (skipped where the binaries are absent).
    globalSetup: ['test/support/pg-cluster.ts'],
  },
});
