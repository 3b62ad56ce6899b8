/** What the arXiv source remembers between runs, per listing feed and per backfill (a store provides it). */
export interface ArxivFeedRow {
  /** The feed-level `updated` of the last listing stored (or seen empty). */
  updated: string | null;
  syncedAt: string | null;
  /** The America/New_York day (`YYYY-MM-DD`) whose listing is in: the daily sync is done for that day. */
  doneDay: string | null;
  /** When the daily sync last tried (milliseconds). */
  triedAt: number | null;
}

/** Where a backfill is: the category it works on, and the token of its next page (null: start that category). */
export interface BackfillPosition {
  categoryIndex: number;
  token: string | null;
  pages: number;
  entries: number;
  done: boolean;
}

/** A row of `arxiv_backfills` as either engine reads it (`done` is 0/1 on SQLite, a boolean on PostgreSQL). */
export interface BackfillRow {
  category_index: number;
  token: string | null;
  pages: number;
  entries: number;
  done: number | boolean;
}

/** A backfill row as the contract gives it. */
export const toBackfillPosition = (row: BackfillRow): BackfillPosition => ({
  categoryIndex: row.category_index,
  token: row.token,
  pages: row.pages,
  entries: row.entries,
  done: row.done === true || row.done === 1,
});

export interface ArxivState {
  feed(feed: string): Promise<ArxivFeedRow>;
  /** Records a listing stored (or seen empty) at `updated`; call inside the sync's transaction. */
  markSynced(feed: string, updated: string | null, now: Date): Promise<void>;
  /** Records the daily sync's try, and the day it is done for when it is. */
  markTried(feed: string, at: number, doneDay: string | null): Promise<void>;
  /**
   * Takes the feed's lease for `ms` unless another runner holds one that has not run out: true when this
   * runner now holds it. Only one runner fetches a feed at a time, however many share the database.
   */
  claim(feed: string, owner: string, now: number, ms: number): Promise<boolean>;
  release(feed: string, owner: string): Promise<void>;
  backfill(key: string): Promise<BackfillPosition | undefined>;
  /** Saves a backfill's position; call inside the transaction that stored its page. */
  saveBackfill(key: string, position: BackfillPosition, now: Date): Promise<void>;
}

/** The key of a set of categories, whatever their order: `cs.CL+cs.LG`. */
export const feedKey = (categories: readonly string[]): string => [...new Set(categories)].sort().join('+');
