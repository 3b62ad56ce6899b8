import type { Reader, ReadingListStore, SavedPaper, SaveResult } from '../../core/reading/reading-list-store.ts';
import type { PgSession } from './pg-session.ts';
import { inWriteTransaction } from './pg-write.ts';

/** Namespace of the advisory locks that make one reader's saves take turns (pg-migrations.ts uses one bigint key). */
const READER_LOCKS = 7_117_002;

/**
 * Reading lists in PostgreSQL (`reading_list`, pg-papers-schema.ts), as sqlite-reading-list.ts keeps them: the
 * paper id and no foreign key, so a paper that leaves the index stays on the lists, shown as gone.
 */
export function createPgReadingList(session: PgSession): ReadingListStore {
  const who = (reader: Reader) => [reader.platform, reader.space, reader.user];
  const countWith = async (query: PgSession['query'], reader: Reader) =>
    (
      await query<{ n: number }>(
        'SELECT count(*)::int AS n FROM reading_list WHERE platform = $1 AND space = $2 AND user_id = $3',
        who(reader),
      )
    ).rows[0]?.n ?? 0;

  return {
    save: (reader, paperId, now, cap) =>
      inWriteTransaction(session, async (query): Promise<SaveResult> => {
        // One reader's saves take turns, so the count and the insert see the same list even with another
        // instance saving for the same person at once (SQLite: BEGIN IMMEDIATE).
        await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [READER_LOCKS, JSON.stringify(who(reader))]);
        const existing = await query<{ saved_at: string }>(
          'SELECT saved_at FROM reading_list WHERE platform = $1 AND space = $2 AND user_id = $3 AND paper_id = $4',
          [...who(reader), paperId],
        );
        const savedAt = existing.rows[0]?.saved_at;
        if (savedAt !== undefined) return { status: 'already', savedAt };
        const held = await countWith(query, reader);
        if (held >= cap) return { status: 'full', count: held };
        await query(
          'INSERT INTO reading_list (platform, space, user_id, paper_id, saved_at) VALUES ($1, $2, $3, $4, $5)',
          [...who(reader), paperId, now.toISOString()],
        );
        return { status: 'saved', count: held + 1 };
      }),
    remove: async (reader, paperId) =>
      ((
        await session.query(
          'DELETE FROM reading_list WHERE platform = $1 AND space = $2 AND user_id = $3 AND paper_id = $4',
          [...who(reader), paperId],
        )
      ).rowCount ?? 0) > 0,
    list: async (reader, offset, limit) =>
      (
        await session.query<{ paper_id: string; saved_at: string }>(
          `SELECT paper_id, saved_at FROM reading_list WHERE platform = $1 AND space = $2 AND user_id = $3
           ORDER BY saved_at DESC, id DESC LIMIT $4 OFFSET $5`,
          [...who(reader), limit, offset],
        )
      ).rows.map((row): SavedPaper => ({ paperId: Number(row.paper_id), savedAt: row.saved_at })),
    count: (reader) => countWith(session.query, reader),
  };
}
