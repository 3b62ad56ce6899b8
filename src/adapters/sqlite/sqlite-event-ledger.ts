import type Database from 'better-sqlite3';
import type { EventLedger } from '../../core/store/event-ledger.ts';
import { promised } from './sqlite-promised.ts';

/**
 * The event ledger in SQLite (table `seen_events`): every process on the database file shares it. The insert
 * is one statement, so of two processes recording the same key at once, exactly one sees it as new. A busy
 * database (another process's long write) rejects, and the caller decides what to do.
 */
export function createSqliteEventLedger(db: Database.Database): EventLedger {
  const insert = db.prepare<[string, number]>('INSERT OR IGNORE INTO seen_events (key, seen_at) VALUES (?, ?)');
  const remove = db.prepare<[number]>('DELETE FROM seen_events WHERE seen_at < ?');
  return promised<EventLedger>({
    firstSeen: (key, now) => insert.run(key, now.getTime()).changes === 1,
    forget: (before) => {
      remove.run(before.getTime());
    },
  });
}
