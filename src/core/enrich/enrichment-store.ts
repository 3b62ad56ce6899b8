import type { EnrichCandidate, PaperFigures, ScholarlySource, StoredFigures } from './scholarly.ts';

/**
 * What OpenAlex says of an author: only stored when a name resolved to exactly one OpenAlex author with papers
 * in common with the index's (else `found` is false: never a namesake's figures).
 */
export interface AuthorFigures {
  source: 'openalex';
  found: boolean;
  hIndex: number | null;
  citations: number | null;
  /** The OpenAlex author id (`A5023888391`) it resolved to. */
  externalId: string | null;
  fetchedAt: string;
}

/** When stored figures are due again (docs/enrichment.md, "Refresh schedule"). */
export interface RefreshSchedule {
  /** A paper dated on or after this day (`YYYY-MM-DD`) is new: looked up again a day after its last look-up. */
  newSince: string;
  /** Figures of new papers fetched before this time are stale. */
  newStaleBefore: Date;
  /** Figures of older papers fetched before this time are stale. */
  oldStaleBefore: Date;
}

/**
 * Figures fetched from the optional services, in tables of their own (`paper_figures`, `author_figures`,
 * `enrich_leases`, `author_lookups`): writing them changes neither a paper's revision nor its indexed text.
 */
export interface EnrichmentStore {
  /**
   * Papers with an arXiv id or a DOI that `source` has never been asked about or whose look-up is stale by
   * `schedule`; never-asked first, then the longest unasked, newer papers first among equals. `since` bounds the
   * paper's date (`YYYY-MM-DD`).
   */
  due(
    source: ScholarlySource,
    options: { schedule: RefreshSchedule; since?: string; limit: number },
  ): Promise<EnrichCandidate[]>;
  /**
   * Stores what `source` said: `found` papers' figures, and `missing` papers as not known (so they wait for the
   * schedule too). Returns the ids whose stored figures changed. One transaction.
   */
  saveFigures(
    source: ScholarlySource,
    found: ReadonlyMap<number, PaperFigures>,
    missing: readonly number[],
    now: Date,
  ): Promise<number[]>;
  /** The stored figures of these papers (found ones only), by paper id. */
  figuresOf(ids: readonly number[]): Promise<Map<number, StoredFigures[]>>;
  /**
   * Every paper's citation count as cards, `sort:citations` and `cites:` use it: OpenAlex's, else Semantic
   * Scholar's, else the record's own. Papers without any count are absent.
   */
  citationCounts(): Promise<Map<number, number>>;
  /** Takes the lease `name` for `ms` unless another runner holds a live one (as the arXiv feeds' lease). */
  claim(name: string, owner: string, now: number, ms: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  /** The cached figures of an author (by folded name), if any look-up was made. */
  authorFigures(nameKey: string): Promise<AuthorFigures | undefined>;
  saveAuthorFigures(nameKey: string, figures: AuthorFigures): Promise<void>;
  /**
   * Counts one OpenAlex author look-up against `day`'s cap: true when it was under `cap` (and is now counted),
   * false when the cap is reached.
   */
  takeAuthorLookup(day: string, cap: number): Promise<boolean>;
}

const DAY_MS = 86_400_000;

/**
 * The refresh schedule: papers dated within the last 30 days are new and refreshed daily, older ones weekly.
 * (A day less an hour, and a week less an hour, so a run at the same time each day finds them due.)
 */
export function refreshSchedule(now: Date): RefreshSchedule {
  const HOUR = 3_600_000;
  return {
    newSince: new Date(now.getTime() - 30 * DAY_MS).toISOString().slice(0, 10),
    newStaleBefore: new Date(now.getTime() - DAY_MS + HOUR),
    oldStaleBefore: new Date(now.getTime() - 7 * DAY_MS + HOUR),
  };
}
