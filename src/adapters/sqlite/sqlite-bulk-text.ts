import type Database from 'better-sqlite3';

/**
 * Records saved in one transaction from which the text index of new papers is built in bulk at commit rather than
 * row by row through the insert trigger (docs/storage.md, "Large imports").
 */
export const BULK_TEXT_THRESHOLD = 5000;

const TEXT_TRIGGERS = ['papers_text_insert', 'papers_text_update', 'papers_text_delete'] as const;

/**
 * Defers the full-text indexing of new papers in a large write transaction, on one connection.
 *
 * When a transaction has saved {@link BULK_TEXT_THRESHOLD} records, the triggers that keep `paper_text` in step
 * are changed inside that transaction: new rows (ids above the largest id at that moment) are no longer indexed
 * one by one, while updates and deletes of older rows still are; just before COMMIT the new rows are indexed in one
 * `INSERT … SELECT` and the original triggers are put back. Triggers are schema, and SQLite's schema is
 * transactional: another connection sees the old papers and index until the COMMIT, then the new papers and their
 * index together; a process killed mid-import rolls the whole transaction back, triggers included, so the text
 * index can never be left behind the papers and nothing needs repairing on open.
 */
export function createBulkTextIndexing(db: Database.Database, threshold = BULK_TEXT_THRESHOLD) {
  let saved = 0;
  let deferred: { aboveId: number; triggers: Map<string, string> } | undefined;

  const defer = () => {
    const rows = db
      .prepare<[], { name: string; sql: string }>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers' AND name IN (${TEXT_TRIGGERS.map((n) => `'${n}'`).join(', ')})`,
      )
      .all();
    const triggers = new Map(rows.map((r) => [r.name, r.sql]));
    if (TEXT_TRIGGERS.some((name) => !triggers.has(name))) return;
    const aboveId = (db.prepare('SELECT coalesce(max(id), 0) FROM papers').pluck().get() as number) ?? 0;
    // Rows up to `aboveId` keep their row-by-row upkeep; newer ones are indexed at commit.
    const onlyOlder = (sql: string) => sql.replace(/\bON papers BEGIN\b/, `ON papers WHEN old.id <= ${aboveId} BEGIN`);
    const update = onlyOlder(triggers.get('papers_text_update') as string);
    const remove = onlyOlder(triggers.get('papers_text_delete') as string);
    if (update === triggers.get('papers_text_update') || remove === triggers.get('papers_text_delete')) return;
    for (const name of TEXT_TRIGGERS) db.exec(`DROP TRIGGER ${name}`);
    db.exec(update);
    db.exec(remove);
    deferred = { aboveId, triggers };
  };

  return {
    /** Counts records saved inside the open transaction; past the threshold, defers the indexing of new rows. */
    noteSaved(records: number) {
      if (!db.inTransaction) return;
      saved += records;
      if (deferred === undefined && saved >= threshold) defer();
    },
    /** Whether new rows are being indexed at commit (tests). */
    isDeferred: () => deferred !== undefined,
    /** Indexes the new rows in one statement and restores the triggers; call right before COMMIT. */
    beforeCommit() {
      if (deferred !== undefined && db.inTransaction) {
        db.prepare(
          `INSERT INTO paper_text (rowid, title, authors, affiliations, abstract)
             SELECT id, title, authors, affiliations, abstract FROM papers WHERE id > ? ORDER BY id`,
        ).run(deferred.aboveId);
        db.exec('DROP TRIGGER papers_text_update');
        db.exec('DROP TRIGGER papers_text_delete');
        for (const name of TEXT_TRIGGERS) db.exec(deferred.triggers.get(name) as string);
      }
      this.reset();
    },
    /** Forgets the transaction's count (after COMMIT or ROLLBACK: a rollback undoes the trigger change itself). */
    reset() {
      saved = 0;
      deferred = undefined;
    },
  };
}
