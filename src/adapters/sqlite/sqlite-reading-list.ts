import type Database from 'better-sqlite3';
import type { Reader, ReadingListStore, SavedPaper, SaveResult } from '../../core/reading/reading-list-store.ts';
import { promised } from './sqlite-promised.ts';

/**
 * Reading lists in SQLite (`reading_list`, migrations.ts). Entries keep the paper id and no foreign key: a paper
 * that leaves the index stays on the lists that hold it, shown as gone, so nothing a person saved is lost.
 * Statements are prepared on first use, so a read-only store on an older database opens without the table.
 */
export function createSqliteReadingList(db: Database.Database): ReadingListStore {
  const statements = new Map<string, Database.Statement>();
  const sql = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  const who = (reader: Reader) => [reader.platform, reader.space, reader.user] as const;
  const count = (reader: Reader) =>
    (
      sql('SELECT count(*) AS n FROM reading_list WHERE platform = ? AND space = ? AND user_id = ?').get(
        ...who(reader),
      ) as { n: number }
    ).n;

  const save = db.transaction((reader: Reader, paperId: number, now: Date, cap: number): SaveResult => {
    const existing = sql(
      'SELECT saved_at FROM reading_list WHERE platform = ? AND space = ? AND user_id = ? AND paper_id = ?',
    ).get(...who(reader), paperId) as { saved_at: string } | undefined;
    if (existing) return { status: 'already', savedAt: existing.saved_at };
    const held = count(reader);
    if (held >= cap) return { status: 'full', count: held };
    sql('INSERT INTO reading_list (platform, space, user_id, paper_id, saved_at) VALUES (?, ?, ?, ?, ?)').run(
      ...who(reader),
      paperId,
      now.toISOString(),
    );
    return { status: 'saved', count: held + 1 };
  });

  return promised<ReadingListStore>({
    // IMMEDIATE: the count and the insert see the same list, even with another process saving at once.
    save: (reader, paperId, now, cap) => save.immediate(reader, paperId, now, cap),
    remove: (reader, paperId) =>
      sql('DELETE FROM reading_list WHERE platform = ? AND space = ? AND user_id = ? AND paper_id = ?').run(
        ...who(reader),
        paperId,
      ).changes > 0,
    list: (reader, offset, limit) =>
      (
        sql(
          `SELECT paper_id, saved_at FROM reading_list WHERE platform = ? AND space = ? AND user_id = ?
           ORDER BY saved_at DESC, id DESC LIMIT ? OFFSET ?`,
        ).all(...who(reader), limit, offset) as { paper_id: number; saved_at: string }[]
      ).map((row): SavedPaper => ({ paperId: row.paper_id, savedAt: row.saved_at })),
    count,
  });
}
