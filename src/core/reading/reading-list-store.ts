/** Whose reading list: one per person and per workspace or server (the terminal has one of its own). */
export interface Reader {
  platform: string;
  /** Slack team id; Discord guild id, or `dm` for direct messages; `terminal`. */
  space: string;
  user: string;
}

export interface SavedPaper {
  paperId: number;
  savedAt: string;
}

/** What saving answered: stored now, there already (saved once, at `savedAt`), or refused because the list is full. */
export type SaveResult =
  | { status: 'saved'; count: number }
  | { status: 'already'; savedAt: string }
  | { status: 'full'; count: number };

/** The reading lists, kept in the database beside the papers (`sqlite-reading-list.ts`). */
export interface ReadingListStore {
  /** Saves a paper for a reader unless it is there already or the list holds `cap` papers. */
  save(reader: Reader, paperId: number, now: Date, cap: number): Promise<SaveResult>;
  /** Removes a paper from a reader's list; false when it was not there. */
  remove(reader: Reader, paperId: number): Promise<boolean>;
  /** A page of the list, newest saved first. */
  list(reader: Reader, offset: number, limit: number): Promise<SavedPaper[]>;
  count(reader: Reader): Promise<number>;
}
