import type Database from 'better-sqlite3';
import type { HeldWord, TextIndex, TextMatch } from '../../core/search/text-index.ts';

/**
 * The text index of a SQLite store: the FTS5 table `paper_text` in the same database file, kept current by
 * the triggers on `papers` (migrations.ts), so it is always at the store's rev and {@link TextIndex.catchUp}
 * has nothing to do. Closing it leaves the database open: the store owns the connection.
 */
export function createSqliteTextIndex(db: Database.Database): TextIndex {
  // Compiled on first use, once: search asks for text matches many times per query.
  const statements = new Map<string, Database.Statement>();
  const prepared = <P extends unknown[] = unknown[], R = unknown>(source: string): Database.Statement<P, R> => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };
  return {
    ...ftsQueries(prepared),
    rev: () => prepared<[], { v: number }>("SELECT value AS v FROM counters WHERE name = 'rev'").get()?.v ?? 0,
    // The triggers keep `paper_text` in step with every write, in the writer's own transaction.
    catchUp: async () => {},
    close: () => {},
  };
}

/** Compiles a statement once per connection (the caller's cache). */
export type Prepare = <P extends unknown[] = unknown[], R = unknown>(source: string) => Database.Statement<P, R>;

/**
 * The three queries of a text index over an FTS5 table `paper_text` (title 3, authors 2, affiliations 1,
 * abstract 1): the store's own index and each instance's cache (`createSqliteTextCache`) answer alike.
 */
export function ftsQueries(
  prepared: Prepare,
): Pick<TextIndex, 'matchText' | 'scoreText' | 'hasTerm' | 'wordsStartingWith' | 'papersHolding'> {
  // The words of the index with their paper counts, read by range (FTS5 seeks to the first word of the prefix).
  // A table of this connection's temp schema: no migration, and the same on the store and on a cache file.
  const select = 'SELECT term AS word, doc AS papers FROM temp.paper_word_counts WHERE term >= ? AND term < ?';
  const vocabulary = <P extends unknown[], R>(source: string) => {
    try {
      return prepared<P, R>(source);
    } catch {
      // First use on this connection (a cache swapped in a new file starts a new one): make the table.
      prepared(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.paper_word_counts USING fts5vocab(main, 'paper_text', 'row')",
      ).run();
      return prepared<P, R>(source);
    }
  };
  return {
    matchText: (expression, among) =>
      (among === undefined
        ? prepared<[string], number>('SELECT rowid FROM paper_text WHERE paper_text MATCH ?').pluck().all(expression)
        : among.length === 0
          ? []
          : prepared<[string, string], number>(
              'SELECT rowid FROM paper_text WHERE paper_text MATCH ? AND +rowid IN (SELECT value FROM json_each(?))',
            )
              .pluck()
              .all(expression, JSON.stringify(among))) as number[],
    scoreText: (expression, among) =>
      among === undefined
        ? prepared<[string], TextMatch>(
            'SELECT rowid AS id, -bm25(paper_text, 3.0, 2.0, 1.0, 1.0) AS score FROM paper_text WHERE paper_text MATCH ?',
          ).all(expression)
        : prepared<[string, string], TextMatch>(
            `SELECT rowid AS id, -bm25(paper_text, 3.0, 2.0, 1.0, 1.0) AS score FROM paper_text
               WHERE paper_text MATCH ? AND +rowid IN (SELECT value FROM json_each(?))`,
          ).all(expression, JSON.stringify(among)),
    // Whether a word exists, not how often: the first match answers, and nothing is cached, so a word that
    // another process ingests later is found at once.
    hasTerm: (term) =>
      prepared<[string], number>('SELECT 1 FROM paper_text WHERE paper_text MATCH ? LIMIT 1')
        .pluck()
        .get(`"${term.replaceAll('"', '""')}"`) !== undefined,
    // U+10FFFF sorts after every character that can follow the prefix (UTF-8 byte order, as FTS5 compares).
    wordsStartingWith: (prefix) =>
      prefix === ''
        ? []
        : vocabulary<[string, string], HeldWord>(select)
            .all(prefix, `${prefix}\u{10FFFF}`)
            .filter((w) => w.word.startsWith(prefix)),
    papersHolding: (word) =>
      vocabulary<[string], number>('SELECT doc FROM temp.paper_word_counts WHERE term = ?').pluck().get(word) ?? 0,
  };
}
