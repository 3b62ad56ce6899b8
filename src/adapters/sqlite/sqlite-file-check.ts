import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { PaperboyError } from '../../core/errors.ts';

// Every SQLite database file starts with these 16 bytes (https://www.sqlite.org/fileformat.html, "header").
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses, with a one-line coded error, a database path that SQLite would fail on with an uncoded one (and a
 * stack trace in the CLI): a folder, something that is not a regular file (a device, a FIFO), or a file that
 * is not SQLite. A path that does not exist yet, or an empty file, is fine: SQLite creates the database there.
 *
 * @throws PaperboyError `file_unreadable`
 */
export function checkSqliteFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory())
    throw new PaperboyError(
      'file_unreadable',
      `the database ${file} is a folder, not a file. Point --db or PAPERBOY_DB at a database file, e.g. ${file.replace(/\/+$/, '')}/paperboy.db.`,
    );
  if (!stat.isFile())
    throw new PaperboyError(
      'file_unreadable',
      `the database ${file} is not a regular file (a device, FIFO or socket). Point --db or PAPERBOY_DB at a database file.`,
    );
  if (stat.size === 0) return;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new PaperboyError(
      'file_unreadable',
      `the database ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check its permissions, or point --db or PAPERBOY_DB at another file.`,
      { cause: error },
    );
  }
  if (read < head.length || !head.equals(SQLITE_HEADER))
    throw new PaperboyError(
      'file_unreadable',
      `${file} is not a SQLite database (it does not start with SQLite's header). Point --db or PAPERBOY_DB at Paperboy's database, or move that file away to start a new one there.`,
    );
}
