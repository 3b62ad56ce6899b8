// A throwaway PostgreSQL cluster from the PostgreSQL 15 binaries: `initdb` (as the `postgres` user when we are root)
// into a temporary folder, the server on a free port on 127.0.0.1, `stop()` stops it and removes the folder. The
// tests' global setup (pg-cluster.ts) and the PostgreSQL benchmarks (bench/pg-cluster.ts) both start theirs here.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PG_BIN = process.env.PAPERBOY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether the binaries a throwaway cluster needs are there. */
export const hasPgBinaries = (): boolean => existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export interface ThrowawayOptions {
  /** Prefix of the temporary folder's name. */
  prefix: string;
  /** More server settings (`-c name=value ...`), say the tests' fsync=off. */
  settings?: string;
  /** How `stop()` shuts the server down (pg_ctl's -m). */
  stopMode: 'fast' | 'immediate';
}

/** Starts the cluster; throws (the temporary folder removed) when initdb or the server fails. */
export async function startThrowawayPostgres(options: ThrowawayOptions): Promise<{ url: string; stop: () => void }> {
  const root = process.getuid?.() === 0;
  const asOwner = (args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' })
      : execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  try {
    if (root) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    const port = await freePort();
    asOwner([join(PG_BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.settings ?? ''}`.trim();
    asOwner([join(PG_BIN, 'pg_ctl'), '-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: () => {
        try {
          asOwner([join(PG_BIN, 'pg_ctl'), '-D', data, '-m', options.stopMode, '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
