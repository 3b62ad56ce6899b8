// The PostgreSQL a benchmark runs against: DATABASE_URL when set (a database it may fill), else a throwaway
// cluster from the PostgreSQL 15 binaries with PostgreSQL's default durability (fsync on, unlike the tests'
// cluster), started here and stopped by `stop()` (and on Ctrl-C). Each benchmark run gets fresh databases.
import pg from 'pg';
import { hasPgBinaries, PG_BIN, startThrowawayPostgres } from '../test/support/throwaway-postgres.ts';

/** Why no PostgreSQL is at hand for a benchmark, or undefined when there is one. */
export const pgMissing = (): string | undefined =>
  process.env.DATABASE_URL || hasPgBinaries() ? undefined : `no DATABASE_URL and no PostgreSQL binaries in ${PG_BIN}`;

/** A throwaway cluster, as the tests' (test/support/throwaway-postgres.ts), but with PostgreSQL's default durability. */
const startCluster = () => startThrowawayPostgres({ prefix: 'paperboy-pg-bench-', stopMode: 'fast' });

export interface BenchPostgres {
  /** A URL to a new, empty database `name` (on DATABASE_URL's server: a database of that name is dropped first). */
  database(name: string): Promise<string>;
  /** The size of the database at `url`, in bytes. */
  size(url: string): Promise<number>;
  /** Drops the databases made by `database` (DATABASE_URL) or stops the throwaway cluster. */
  stop(): Promise<void>;
}

/** DATABASE_URL's server, or a throwaway cluster; `database(name)` makes the fresh databases a run fills. */
export async function benchPostgres(): Promise<BenchPostgres> {
  const cluster = process.env.DATABASE_URL ? undefined : await startCluster();
  const admin = process.env.DATABASE_URL ?? (cluster?.url as string);
  const made: string[] = [];
  const onSigint = () => {
    cluster?.stop();
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  const run = async (sql: string, url = admin) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const withDatabase = (name: string) => {
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    async database(name) {
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await run(`CREATE DATABASE ${name}`);
      made.push(name);
      return withDatabase(name);
    },
    async size(url) {
      const { rows } = await run('SELECT pg_database_size(current_database()) AS bytes', url);
      return Number(rows[0]?.bytes ?? 0);
    },
    async stop() {
      process.off('SIGINT', onSigint);
      if (cluster) cluster.stop();
      else for (const name of made) await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
