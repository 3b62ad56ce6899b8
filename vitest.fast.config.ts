import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The unit tier (`npm run test:fast`): core, the adapters against their in-process fakes, the store contract on
// SQLite. Left to `npm test`: the CLI and bin tests (each runs `paperboy` as a process), tests that start a process
// of their own (a second writer holding SQLite's lock, another instance), PostgreSQL (a cluster to start) and the
// runs over the shared corpus (`../shared/data`).
const SLOW_FOLDERS = ['test/cli/', 'test/bin/', 'test/adapters/postgres/'];
const STARTS_A_PROCESS = /runPaperboy|servePaperboy|paperboy-process|holdWriteLock|child_process|hasSharedData/;

const slow = (readdirSync('test', { recursive: true, encoding: 'utf8' }) as string[])
  .map((file) => join('test', file).replaceAll('\\', '/'))
  .filter((file) => file.endsWith('.test.ts'))
  .filter(
    (file) =>
      SLOW_FOLDERS.some((folder) => file.startsWith(folder)) || STARTS_A_PROCESS.test(readFileSync(file, 'utf8')),
  );

// Spread, not merged: merging would keep the base's cluster set-up (arrays are concatenated).
export default defineConfig({
  test: {
    ...base.test,
    exclude: [...configDefaults.exclude, ...slow],
    // No cluster: the PostgreSQL halves of the contract suites skip, saying why.
    globalSetup: [],
    provide: { pgUrl: '', pgMissing: 'the fast tier (npm run test:fast) runs no PostgreSQL tests; npm test does' },
  },
});
