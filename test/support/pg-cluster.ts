// Vitest global setup: a throwaway PostgreSQL cluster for the tests that need one (issue 17). Where the
// PostgreSQL 15 binaries exist it runs `initdb` (as the `postgres` user when we are root) into a temporary folder,
// starts the server on a free port on 127.0.0.1 and provides its URL to the tests (`inject('pgUrl')`); teardown
// stops it and removes the folder. Where the binaries are absent it provides why, and the tests that need
// PostgreSQL skip with that message (test/helpers/pg.ts), or fail when `CI` is set.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test cluster, or '' when there is none. */
    pgUrl: string;
    /** Why there is no cluster, when there is none. */
    pgMissing: string;
  }
}

const BIN = process.env.PAPERBOY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) {
    project.provide('pgUrl', '');
    project.provide('pgMissing', `PostgreSQL binaries not found in ${BIN} (set PAPERBOY_PG_BIN)`);
    return undefined;
  }
  const root = process.getuid?.() === 0;
  const asOwner = (args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe' })
      : execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-pg-'));
  chmodSync(dir, 0o700);
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    asOwner([join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    asOwner([join(BIN, 'pg_ctl'), '-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    project.provide('pgUrl', '');
    project.provide('pgMissing', `the test PostgreSQL cluster did not start: ${detail.trim()}`);
    return undefined;
  }
  project.provide('pgUrl', `postgres://postgres@127.0.0.1:${port}/postgres`);
  project.provide('pgMissing', '');
  return () => {
    try {
      asOwner([join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
