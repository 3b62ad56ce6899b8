import type { ArxivEntry, ArxivSaveCounts, ArxivSource } from '../arxiv/arxiv-entry.ts';
import type { Profile } from '../profile/profile-schema.ts';
import type { ReadingListStore } from '../reading/reading-list-store.ts';
import type { AuthorIndex } from './author-index.ts';

/** A paper as Paperboy stores it, whatever source it came from (a profile page or a corpus record). */
export interface PaperInput {
  title: string;
  authors: string[];
  /** True when the source cut the author list short ("et al."). */
  authorsTruncated: boolean;
  affiliations: string[];
  abstract: string | null;
  /** `YYYY-MM-DD`, or `YYYY` when the source only knows the year. */
  date: string;
  /** Short category: `CL` for `cs.CL`, the venue for a conference paper. */
  category: string | null;
  /** Full category as the source gave it: `cs.CL`, `NeurIPS 2023`. */
  categoryFull: string | null;
  hasCode: boolean;
  codeUrl: string | null;
  /** Without version (`2310.13548`): a paper with one is found by it (docs/storage.md). */
  arxivId: string | null;
  venue: string | null;
  citations: number | null;
  /** The arXiv version last stored (4 for `v4`); absent or null when unknown. */
  arxivVersion?: number | null;
  doi?: string | null;
  journalRef?: string | null;
  /**
   * Whether a paper new to the index reaches digests (default true). Ingest stores old corpus records with false
   * (docs/digests.md, "What new means"); set once, when the paper is first stored.
   */
  announce?: boolean;
}

export interface StoredPaper extends PaperInput {
  id: number;
  /** Ingest sequence: set once when the paper is first stored, and only grows. Digests select on it. */
  seq: number;
  /** Revision of the last change to the paper or to the profiles linking it. The search index follows it. */
  rev: number;
  firstSeenAt: string;
  /** Categories (short and full) from the paper's other sources: one paper, several listings. */
  alsoCategories: string[];
  arxivVersion: number | null;
  doi: string | null;
  journalRef: string | null;
  /**
   * False for papers that must never reach a digest, preview or watch: arXiv replacements of papers we never
   * had, `arxiv add` lookups and backfills, corpus records not dated in the days before their import. Profile
   * pages are announced.
   */
  announce: boolean;
}

/** What {@link PaperStore.saveArxivEntries} did: the counts of `arxiv sync --json`, and each entry's paper. */
export type ArxivSaveResult = ArxivSaveCounts & {
  /** The papers the entries were saved as, in entry order, each once. */
  paperIds: number[];
};

/** What the in-memory search index reads of a paper: no abstract, authors or affiliations. */
export type IndexRow = Pick<
  StoredPaper,
  'id' | 'rev' | 'title' | 'date' | 'category' | 'categoryFull' | 'alsoCategories' | 'hasCode'
>;

export interface StoredProfile extends Omit<Profile, 'papers'> {
  id: number;
  sourcePath: string;
  updatedAt: string;
  /** How many papers the store links to this profile. */
  papers: number;
}

export type SaveOutcome = 'new' | 'updated' | 'unchanged';

export interface ProfileSaveResult {
  profile: SaveOutcome;
  /** Outcome for each paper the page lists, by paper id. */
  papers: Map<number, SaveOutcome>;
}

export interface ProfileSource {
  path: string;
  /** Hash of the file's bytes: an unchanged file is recognised without touching the database. */
  contentHash: string;
}

/**
 * What the rest of core needs from storage. Only `sqlite-store.ts` knows SQLite; search, commands and
 * digests talk to this, so another backend could take its place. Every method returns a Promise, so a store
 * over the network (PostgreSQL) fits the same contract; full-text matching is not part of it (see
 * `TextIndex` in `../search/text-index.ts`).
 *
 * Transactions: between {@link PaperStore.begin} and {@link PaperStore.commit} (or {@link PaperStore.rollback}),
 * every call on this store object, on its `readingList`, and on the digest store and arXiv state made from the
 * same connection runs inside the transaction. Do not start unrelated work on the same store object while a
 * transaction is open.
 */
export interface PaperStore {
  /** Saves a profile page and its papers in one transaction. */
  saveProfile(profile: Profile, source: ProfileSource, now: Date): Promise<ProfileSaveResult>;
  /**
   * What {@link PaperStore.saveProfile} would answer for a page stored already with the same bytes (the
   * profile `name` with this content hash), found without a write transaction; undefined when saving would
   * change something. Lets a loader skip the write lock for unchanged pages.
   */
  unchangedProfile(name: string, contentHash: string): Promise<ProfileSaveResult | undefined>;
  /** Saves corpus records; call inside {@link PaperStore.begin}/{@link PaperStore.commit} for one transaction. */
  savePapers(papers: PaperInput[], now: Date): Promise<Map<number, SaveOutcome>>;
  /**
   * Saves arXiv entries (a listing, a lookup or a backfill) by the rules of docs/digests.md, "What new means":
   * a paper is found by its arXiv id, else by title among papers without one; `new` and `cross` listing entries
   * for papers we did not have are announced, everything else is stored or updated without announcing. One
   * transaction by itself, or part of the caller's between {@link PaperStore.begin} and {@link PaperStore.commit}.
   */
  saveArxivEntries(entries: readonly ArxivEntry[], source: ArxivSource, now: Date): Promise<ArxivSaveResult>;
  /** The papers stored under these arXiv ids (with or without version), by the id without version. */
  findByArxivIds(ids: readonly string[]): Promise<Map<string, number>>;
  /** The paper with this DOI (case ignored, with or without `https://doi.org/`), if any. */
  findByDoi(doi: string): Promise<number | undefined>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Finds a profile by name, ignoring case and spacing. */
  findProfile(name: string): Promise<StoredProfile | undefined>;
  listProfileNames(): Promise<string[]>;
  getPapers(ids: readonly number[]): Promise<StoredPaper[]>;
  /** Names of the profiles that list each paper. */
  profileNamesFor(ids: readonly number[]): Promise<Map<number, string[]>>;
  /** Ids of the papers a profile links, newest first. */
  profilePaperIds(profileId: number): Promise<number[]>;
  /** Papers whose rev is above `rev`, in rev order, at most `limit`. */
  papersChangedSince(rev: number, limit: number): Promise<StoredPaper[]>;
  /** The same papers as {@link PaperStore.papersChangedSince}, only what the search index reads of them. */
  indexRowsChangedSince(rev: number, limit: number): Promise<IndexRow[]>;
  /**
   * For each paper retitled after `rev`, the title it had at `rev` (its first retitle since): what a search
   * index that is up to `rev` holds of its title, to drop those words.
   */
  titlesAt(rev: number): Promise<Map<number, string>>;
  /** Ids of the papers linked to profiles whose name is `name` (case and spacing folded). */
  paperIdsOfProfile(name: string): Promise<number[]>;
  /** Keeps a query under a short reference (the same query, the same reference) for buttons to carry. */
  saveQuery(query: string, now: Date): Promise<string>;
  loadQuery(ref: string): Promise<string | undefined>;
  maxRev(): Promise<number>;
  /** The database's identity: made once when it was created, never the same for another database. */
  identity(): Promise<string>;
  /** Revision of the profiles: changes with every profile write (new, updated or removed profile). */
  profileRev(): Promise<number>;
  maxSeq(): Promise<number>;
  counts(): Promise<{ profiles: number; papers: number }>;
  /** How many profiles there are (one count, unlike {@link PaperStore.counts}, which also counts papers). */
  profileCount(): Promise<number>;
  /** People's saved papers (`/save`, `/saved`). */
  readingList: ReadingListStore;
  /** Every name listed on a paper, kept with the papers (author cards, `/follow`). */
  authors: AuthorIndex;
  close(): Promise<void>;
}
