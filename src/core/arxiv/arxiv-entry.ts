/**
 * One paper as arXiv describes it, whichever of its formats it came from (the listing feed, the API, OAI-PMH).
 * Parsers in `core/arxiv` produce it; the store saves it; adapters fetch the bytes. Shared by the arXiv source
 * (listings, backfill) and the link lookup (papers pasted as links).
 */
export type AnnounceType = 'new' | 'cross' | 'replace' | 'replace-cross';

export interface ArxivEntry {
  /** Without version: `2310.13548`, `hep-th/9901001`. */
  arxivId: string;
  /** 4 for `2310.13548v4`; null when the source does not say. */
  version: number | null;
  title: string;
  abstract: string;
  /** The full author list, in order. */
  authors: string[];
  /** Category terms as arXiv gives them, primary first: `['cs.CL', 'cs.LG']`. */
  categories: string[];
  /** `YYYY-MM-DD` of the first version, when known. */
  published: string | null;
  /** Only listing-feed entries carry one. */
  announceType: AnnounceType | null;
  doi: string | null;
  journalRef: string | null;
}

/** Where entries came from, which decides whether their papers are announced in digests. */
export type ArxivSource = 'listing' | 'lookup' | 'backfill';

/** What saving a batch of entries did (the counts of `arxiv sync --json`). */
export interface ArxivSaveCounts {
  entries: number;
  new: number;
  cross: number;
  /** `replace` and `replace-cross` entries. */
  replaced: number;
  /** Papers stored for the first time and announced. */
  newPapers: number;
}

/** Looks papers up by arXiv id (without version) through arXiv's API; an adapter provides it. */
export type ArxivLookup = (ids: readonly string[]) => Promise<ArxivEntry[]>;
