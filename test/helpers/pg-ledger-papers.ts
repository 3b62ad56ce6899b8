import type { PgSession } from '../../src/adapters/postgres/pg-session.ts';

/**
 * The papers the digest ledger reads (`newPaperIds`: id, seq, date, announce). Until the PostgreSQL papers schema
 * (pg-papers-schema.ts, branch `pgpapers`) is on this branch, the tests make the table themselves with the columns
 * that schema requires, the same types; once it is, the table is there and only rows are written here (every
 * column it requires, so the same insert works on both).
 */
export async function ensureLedgerPapersTable(session: PgSession): Promise<void> {
  const { rows } = await session.query<{ missing: boolean }>("SELECT to_regclass('papers') IS NULL AS missing");
  if (!rows[0]?.missing) return;
  await session.query(`CREATE TABLE papers (
    id bigint PRIMARY KEY, title_key text NOT NULL, title text NOT NULL, authors text NOT NULL,
    authors_truncated boolean NOT NULL, affiliations text NOT NULL, date text COLLATE "C" NOT NULL,
    has_code boolean NOT NULL, seq bigint NOT NULL UNIQUE, first_seen_at text NOT NULL, rev bigint NOT NULL,
    announce boolean NOT NULL DEFAULT true)`);
}

/** Stores papers in order, each with the next id and sequence number; their ids and sequence numbers. */
export async function insertLedgerPapers(
  session: PgSession,
  papers: readonly { date: string; announce: boolean }[],
): Promise<{ id: number; seq: number }[]> {
  const stored: { id: number; seq: number }[] = [];
  for (const paper of papers) {
    const { rows } = await session.query<{ id: string; seq: string }>(
      `WITH next AS (SELECT coalesce(max(seq), 0) + 1 AS n FROM papers)
       INSERT INTO papers (id, title_key, title, authors, authors_truncated, affiliations, date, has_code, seq,
         first_seen_at, rev, announce)
       SELECT n, 'ledger paper ' || n, 'Ledger paper ' || n, '["Author"]', false, '[]', $1, false, n,
         '2026-11-28T13:00:00.000Z', n, $2
       FROM next RETURNING id, seq`,
      [paper.date, paper.announce],
    );
    const row = rows[0];
    if (row) stored.push({ id: Number(row.id), seq: Number(row.seq) });
  }
  return stored;
}
