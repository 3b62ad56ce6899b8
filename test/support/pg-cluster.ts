// Vitest global setup: a throwaway PostgreSQL cluster for the tests that need one. Where the
// PostgreSQL 15 binaries exist it starts one (throwaway-postgres.ts) with fsync off and room for several
// instances' pools, and provides its URL to the tests (`inject('pgUrl')`); teardown stops it and removes its
// folder. Where the binaries are absent it provides why, and the tests that need PostgreSQL skip with that
// message (test/helpers/pg.ts), or fail when `CI` is set.
import type { TestProject } from 'vitest/node';
import { hasPgBinaries, PG_BIN, startThrowawayPostgres } from './throwaway-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test cluster, or '' when there is none. */
    pgUrl: string;
    /** Why there is no cluster, when there is none. */
    pgMissing: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!hasPgBinaries()) {
    project.provide('pgUrl', '');
    project.provide('pgMissing', `PostgreSQL binaries not found in ${PG_BIN} (set PAPERBOY_PG_BIN)`);
    return undefined;
  }
  try {
    const cluster = await startThrowawayPostgres({
      prefix: 'paperboy-pg-',
      settings: '-c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off',
      stopMode: 'immediate',
    });
    project.provide('pgUrl', cluster.url);
    project.provide('pgMissing', '');
    return cluster.stop;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    project.provide('pgUrl', '');
    project.provide('pgMissing', `the test PostgreSQL cluster did not start: ${detail.trim()}`);
    return undefined;
  }
}
