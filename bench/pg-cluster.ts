// The PostgreSQL a benchmark runs against: DATABASE_URL when set (a database it may fill), else a throwaway
// cluster from the PostgreSQL 15 binaries with PostgreSQL's default durability (fsync on, unlike the tests'
// cluster), started here and stopped by `stop()` (and on Ctrl-C). Each benchmark run gets fresh databases.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.PAPERBOY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why no PostgreSQL is at hand for a benchmark, or undefined when there is one. */
export const pgMissing = (): string | undefined =>
  process.env.DATABASE_URL || existsSync(join(BIN, 'initdb'))
    ? undefined
    : `no DATABASE_URL and no PostgreSQL binaries in ${BIN}`;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** A throwaway cluster, as test/support/pg-cluster.ts makes one, but with PostgreSQL's default durability. */
async function startCluster(): Promise<{ url: string; stop: () => void }> {
  const root = process.getuid?.() === 0;
  const asOwner = (args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' })
      : execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-pg-bench-'));
  chmodSync(dir, 0o700);
  if (root) {
    chownSync(
      dir,
      Number(execFileSync('id', ['-u', 'postgres']).toString()),
      Number(execFileSync('id', ['-g', 'postgres']).toString()),
    );
  }
  const data = join(dir, 'data');
  const port = await freePort();
  asOwner([join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  asOwner([join(BIN, 'pg_ctl'), '-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        asOwner([join(BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

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
