import type { PaperStore } from '../store/paper-store.ts';

/** One paper matching a full-text expression, with its BM25 (higher is better). */
export interface TextMatch {
  id: number;
  score: number;
}

/** A word of the text index and how many papers hold it. */
export interface HeldWord {
  word: string;
  papers: number;
}

/**
 * The full-text side of search: a local cache each instance keeps, fed from the store by rev.
 *
 * Its query methods are synchronous on purpose (a local SQLite FTS5 file), so the search hot path pays no
 * promise per match. On a SQLite store it is the FTS5 table in the database file itself, kept current by
 * triggers (`createSqliteTextIndex`); an instance on another store keeps a file of its own and fills it by
 * {@link TextIndex.catchUp} (docs/search.md, "The text index").
 */
export interface TextIndex {
  /**
   * Ids of the papers matching a full-text expression over title, authors, affiliations and abstract (SQLite
   * FTS5 syntax, built by search code from normalised words); with `among`, only papers among those ids.
   */
  matchText(expression: string, among?: readonly number[]): number[];
  /**
   * Every paper matching a full-text expression, each with its BM25 over all fields (title 3, authors 2,
   * affiliations 1, abstract 1), higher is better; with `among`, only papers among those ids. No cut-off.
   */
  scoreText(expression: string, among?: readonly number[]): TextMatch[];
  /** True when some paper holds `term` (one normalised word) in its title, authors, affiliations or abstract. */
  hasTerm(term: string): boolean;
  /**
   * Every distinct word some paper holds (title, authors, affiliations or abstract) that begins with `prefix`
   * (normalised), each with the number of papers holding it; never cached, like {@link TextIndex.hasTerm}.
   */
  wordsStartingWith(prefix: string): HeldWord[];
  /** How many papers hold `word` (one normalised word) in any field; 0 when none. */
  papersHolding(word: string): number;
  /** The rev this cache holds everything up to. */
  rev(): number;
  /** Brings the cache up to the store's rev (reads store.papersChangedSince / titlesAt in rev order). */
  catchUp(store: PaperStore): Promise<void>;
  close(): void;
}
