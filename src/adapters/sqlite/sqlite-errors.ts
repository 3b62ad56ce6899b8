import { PaperboyError } from '../../core/errors.ts';

/** True for SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * SQLite's errors as Paperboy's, where they arise: a busy database (another process held the write lock past the
 * busy timeout) becomes `database_busy`, which core retries on a timer and the CLI reports without a stack trace.
 * Other errors pass as they are.
 */
export function fromSqliteError(error: unknown): unknown {
  if (!isSqliteBusy(error)) return error;
  return new PaperboyError(
    'database_busy',
    'the database is locked by another process writing to it (an import, a backup restore, another Paperboy); this command stopped and its last step was not stored. Run it again when that process is done.',
    { cause: error },
  );
}
