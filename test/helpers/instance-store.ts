import { join } from 'node:path';
import { createTestDatabase, testPostgres } from './pg.ts';

/** One store several `paperboy start` processes share in a test, and how each process is pointed at it. */
export interface SharedStore {
  /** Arguments of every command on it (`--db FILE` on SQLite; nothing on PostgreSQL, which is DATABASE_URL). */
  args: string[];
  /** The environment of instance `n` (on PostgreSQL each has its own search cache, as on its own machine). */
  env(n: number): NodeJS.ProcessEnv;
  /** The database URL on PostgreSQL. */
  url?: string;
  /** Removes the database (PostgreSQL; the SQLite file goes with the test's folder). */
  drop(): Promise<void>;
}

export interface StoreKind {
  name: 'SQLite' | 'PostgreSQL';
  /** Why this kind cannot run here (no PostgreSQL cluster), for `describe.skipIf`. */
  skip: string | false;
  /** A new, empty store for one test, its files in `dir`. */
  create(dir: string): Promise<SharedStore>;
}

const sqlite: StoreKind = {
  name: 'SQLite',
  skip: false,
  create: async (dir) => ({
    args: ['--db', join(dir, 'p.db')],
    env: () => ({ DATABASE_URL: '' }),
    drop: async () => {},
  }),
};

/** The stores the multi-instance tests run on: one SQLite file on this machine, and PostgreSQL (test cluster). */
export function storeKinds(): StoreKind[] {
  const postgres = testPostgres();
  return [
    sqlite,
    {
      name: 'PostgreSQL',
      skip: postgres.skip,
      create: async (dir) => {
        const db = await createTestDatabase(postgres.url);
        return {
          args: [],
          env: (n) => ({ DATABASE_URL: db.url, PAPERBOY_SEARCH_CACHE: join(dir, `search-cache-${n}.sqlite`) }),
          url: db.url,
          drop: db.drop,
        };
      },
    },
  ];
}
