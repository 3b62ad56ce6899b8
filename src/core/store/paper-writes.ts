import type { ArxivEntry, ArxivSource } from '../arxiv/arxiv-entry.ts';
import type { ProfilePaper } from '../profile/profile-schema.ts';
import { type ArxivPaper, applyArxivPaper } from './arxiv-paper.ts';
import { withArxivKey } from './identity.ts';
import { mergePaper } from './merge-paper.ts';
import type { ArxivSaveResult, PaperInput, SaveOutcome, StoredPaper } from './paper-store.ts';

/**
 * The papers table as the write rules see it inside one write transaction. Each engine gives it its own way, and
 * the rules below are written once for both: SQLite runs each call as a statement at once (synchronously, in its
 * transaction); PostgreSQL reads every paper a batch could touch in one round trip first, answers from memory and
 * sends the writes together at the end (pg-paper-batch.ts). Either way a call sees what the calls before it wrote.
 */
export interface PaperTable {
  /** The stored paper an incoming one is (docs/storage.md, "Paper identity"); `paper` has its arXiv key. */
  find(paper: PaperInput): StoredPaper | undefined;
  /** Stores a new paper with the next seq and rev; returns its id. */
  insert(paper: PaperInput, now: string, announce: boolean, also?: string[]): number;
  /** Replaces a stored paper's fields (not its seq, first-seen time or announce) with the next rev. */
  update(id: number, paper: PaperInput, alsoCategories: string[]): void;
  /**
   * Announces a stored paper that was not: it gets the next seq (so digests and watches whose watermark is past its
   * first seq still carry it) and the next rev.
   */
  announce(id: number): void;
}

/**
 * Saves one paper as a profile page or a corpus record gives it: found by identity and merged ({@link mergePaper}:
 * gaps filled, nothing lost, its categories added beside the stored ones), or inserted and announced.
 *
 * @param clean - what the engine must do to a paper before storing it (PostgreSQL drops NUL characters)
 */
export function savePaper(
  table: PaperTable,
  incoming: PaperInput,
  now: string,
  clean: (paper: PaperInput) => PaperInput = (paper) => paper,
): { id: number; outcome: SaveOutcome } {
  const paper = withArxivKey(clean(incoming));
  const stored = table.find(paper);
  if (!stored) return { id: table.insert(paper, now, paper.announce ?? true), outcome: 'new' };
  const merged = mergePaper(stored, paper);
  const kept = merged ?? stored;
  const known = new Set([kept.category, kept.categoryFull, ...stored.alsoCategories]);
  const also = [paper.category, paper.categoryFull].filter((c): c is string => c !== null && !known.has(c));
  if (!merged && also.length === 0) return { id: stored.id, outcome: 'unchanged' };
  table.update(stored.id, kept, [...stored.alsoCategories, ...also]);
  return { id: stored.id, outcome: 'updated' };
}

/** Saves corpus records in order: each paper's first outcome, by id. */
export function savePapers(
  table: PaperTable,
  inputs: readonly PaperInput[],
  now: string,
  clean?: (paper: PaperInput) => PaperInput,
): Map<number, SaveOutcome> {
  const papers = new Map<number, SaveOutcome>();
  for (const input of inputs) {
    const { id, outcome } = savePaper(table, input, now, clean);
    if (!papers.has(id)) papers.set(id, outcome);
  }
  return papers;
}

/** A paper of a profile page as the store takes it: the fields a page does not give are unknown. */
export const toProfilePaper = (entry: ProfilePaper): PaperInput => ({
  ...entry,
  categoryFull: null,
  codeUrl: null,
  arxivId: null,
  venue: null,
  citations: null,
});

/**
 * The papers of a profile page saved in page order, and how its links change: `link` the papers to link at their
 * (new) position (a paper the page lists twice at its last place), `unlink` the papers the page no longer lists.
 * Links are not part of a paper's revision: `author:` reads the profile owners at query time.
 *
 * @param linked - the stored links of the profile (paper id → position); empty for a new profile
 */
export function saveProfilePapers(
  table: PaperTable,
  papers: readonly PaperInput[],
  linked: ReadonlyMap<number, number>,
  now: string,
  clean?: (paper: PaperInput) => PaperInput,
): { papers: Map<number, SaveOutcome>; link: Map<number, number>; unlink: number[] } {
  const outcomes = new Map<number, SaveOutcome>();
  const before = new Map(linked);
  const link = new Map<number, number>();
  papers.forEach((input, position) => {
    const { id, outcome } = savePaper(table, input, now, clean);
    if (!outcomes.has(id)) outcomes.set(id, outcome);
    if (before.get(id) !== position) link.set(id, position);
    before.delete(id);
  });
  return { papers: outcomes, link, unlink: [...before.keys()] };
}

/**
 * True when an entry is news by the rules of docs/digests.md, "What new means": a listing's `new` or `cross`
 * entry (or one without an announce type, from an older feed). A `replace`, a lookup and a backfill are not.
 */
export const isNews = (entry: ArxivEntry, source: ArxivSource): boolean =>
  source === 'listing' &&
  (entry.announceType === 'new' || entry.announceType === 'cross' || entry.announceType === null);

/**
 * Saves arXiv entries, counted by announce type, each paper listed once in `paperIds`. A paper is found by its
 * arXiv id, else by title among papers without one, and updated by {@link applyArxivPaper}; one we did not have is
 * stored, announced when the entry is news. A paper stored unannounced before (an unfurl or `/paper` lookup hours
 * before the listing, a backfill) is announced once by the listing's `new` or `cross` entry, whatever stored it
 * first; a `replace` never announces.
 *
 * @param papers - the entries as papers ({@link toArxivPaper}), in the same order
 */
export function saveArxivEntries(
  table: PaperTable,
  entries: readonly ArxivEntry[],
  papers: readonly ArxivPaper[],
  source: ArxivSource,
  now: string,
): ArxivSaveResult {
  const result: ArxivSaveResult = {
    entries: entries.length,
    new: 0,
    cross: 0,
    replaced: 0,
    newPapers: 0,
    paperIds: [],
  };
  const seen = new Set<number>();
  entries.forEach((entry, i) => {
    const type = entry.announceType;
    if (type === 'new') result.new++;
    else if (type === 'cross') result.cross++;
    else if (type === 'replace' || type === 'replace-cross') result.replaced++;
    const paper = papers[i] as ArxivPaper;
    const news = isNews(entry, source);
    const stored = table.find(paper.input);
    let id: number;
    if (stored) {
      id = stored.id;
      const changed = applyArxivPaper(stored, paper, entry.published !== null);
      if (changed) table.update(id, changed.paper, changed.alsoCategories);
      if (news && !stored.announce) table.announce(id);
    } else {
      id = table.insert(paper.input, now, news, paper.also);
      if (news) result.newPapers++;
    }
    if (!seen.has(id)) result.paperIds.push(id);
    seen.add(id);
  });
  return result;
}
