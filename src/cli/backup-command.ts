import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolveDbPath } from '../config.ts';
import { PaperboyError } from '../core/errors.ts';
import { createSqliteStore } from '../core/store/sqlite-store.ts';
import { type CliIo, EXIT } from './io.ts';

/**
 * `paperboy backup FILE`: a consistent copy of the database through SQLite's online backup (better-sqlite3's
 * `.backup()`), safe while a bot or an ingest writes: the copy is of one moment. Written beside FILE first and
 * renamed once it passes `quick_check`, so FILE is never half a database.
 */
export async function runBackup(io: CliIo, file: string, flags: { db?: string }): Promise<number> {
  const dbPath = resolveDbPath(flags.db, io.env);
  if (!existsSync(dbPath))
    throw new PaperboyError(
      'not_found',
      `no database at ${dbPath}. Point --db or PAPERBOY_DB at the database to copy.`,
    );
  const started = Date.now();
  const temp = `${file}.${process.pid}.tmp`;
  const source = createSqliteStore(dbPath, { readonly: true });
  try {
    // After the first step, copy the rest in one step: pages a writer changes between steps make SQLite start over.
    await source.db.backup(temp, { progress: ({ totalPages }) => Math.max(100, totalPages) });
    const copy = createSqliteStore(temp, { readonly: true });
    try {
      const check = copy.db.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new PaperboyError(
          'file_unreadable',
          `the copy of ${dbPath} failed quick_check (${String(check)}). Run the backup again.`,
        );
      const { papers, profiles } = copy.counts();
      renameSync(temp, file);
      const megabytes = (statSync(file).size / 1e6).toFixed(1);
      io.stdout.write(
        `backed up ${dbPath} to ${file}: ${papers.toLocaleString('en-US')} papers, ${profiles.toLocaleString('en-US')} profiles, ${megabytes} MB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    } finally {
      copy.close();
    }
  } finally {
    source.close();
    rmSync(temp, { force: true });
  }
  return EXIT.ok;
}
