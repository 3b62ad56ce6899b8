import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker; most tests wait on processes and fakes, so two finish sooner.
    maxWorkers: 2,
    // A throwaway PostgreSQL cluster for the tests of the PostgreSQL store (skipped where the binaries are absent).
    globalSetup: ['test/support/pg-cluster.ts'],
  },
});
