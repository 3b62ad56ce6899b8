import { isPaperboyError, PaperboyError } from '../errors.ts';
import type { PaperStore } from '../store/paper-store.ts';
import type { ArxivEntry } from './arxiv-entry.ts';
import { type ArxivState, type BackfillPosition, feedKey } from './arxiv-state.ts';

/** A page of OAI-PMH `ListRecords`: the first of a category by date range, or the next by token. */
export type FetchOaiPage = (
  request: { from: string; until?: string; category: string } | { resumptionToken: string },
  signal?: AbortSignal,
) => Promise<{ url: string; entries: ArxivEntry[]; resumptionToken: string | null }>;

export interface BackfillOptions {
  store: PaperStore;
  state: ArxivState;
  fetchPage: FetchOaiPage;
  categories: readonly string[];
  from: string;
  until?: string;
  clock: () => Date;
  /** Aborted on Ctrl-C: the backfill stops after the page it is on, its position saved. */
  signal?: AbortSignal;
  onPage?: (progress: BackfillProgress) => void;
}

export interface BackfillProgress {
  categoriesDone: number;
  categories: number;
  pages: number;
  entries: number;
}

/** What `arxiv backfill --json` prints. */
export interface BackfillResult {
  from: string;
  until: string | null;
  categories: string[];
  /** Pages and entries stored so far by this backfill, across runs. */
  pages: number;
  entries: number;
  /** Papers stored for the first time by this run (never announced). */
  newPapers: number;
  /** True when this run continued where an earlier one stopped. */
  resumed: boolean;
  /** False when it was stopped (Ctrl-C): running the same command again continues. */
  complete: boolean;
}

const START: BackfillPosition = { categoryIndex: 0, token: null, pages: 0, entries: 0, done: false };

/**
 * Loads earlier papers through OAI-PMH, category by category, page by page (resumption tokens). Each page is
 * stored with the position reached in one transaction, so a backfill stopped anywhere (Ctrl-C, a crash, arXiv
 * down) continues at the next page when run again with the same range and categories. Backfilled papers are
 * never announced. A token arXiv no longer accepts (they expire daily) is forgotten, so the next run starts
 * that category over (storing a paper twice changes nothing).
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const { store, state, fetchPage, categories, from, until, clock, signal } = options;
  const key = `${from}|${until ?? ''}|${feedKey(categories)}`;
  const saved = await state.backfill(key);
  const resumed = saved !== undefined && !saved.done && (saved.pages > 0 || saved.categoryIndex > 0);
  const position: BackfillPosition = saved && !saved.done ? { ...saved } : { ...START };
  let newPapers = 0;
  const progress = () =>
    options.onPage?.({
      categoriesDone: position.categoryIndex,
      categories: categories.length,
      pages: position.pages,
      entries: position.entries,
    });
  progress();
  // Tokens given this run: one seen again means the list goes round in a circle (not only A -> A).
  const tokensSeen = new Set<string>();
  while (position.categoryIndex < categories.length && !signal?.aborted) {
    const category = categories[position.categoryIndex] ?? '';
    const usedToken = position.token;
    let page: Awaited<ReturnType<FetchOaiPage>>;
    try {
      page = await fetchPage(
        usedToken ? { resumptionToken: usedToken } : { from, category, ...(until ? { until } : {}) },
        signal,
      );
    } catch (error) {
      // Ctrl-C while waiting for arXiv: the position of the last stored page is already saved.
      if (signal?.aborted) break;
      if (usedToken && isPaperboyError(error, 'arxiv_rejected')) {
        await state.saveBackfill(key, { ...position, token: null }, clock());
      }
      throw error;
    }
    if (usedToken) tokensSeen.add(usedToken);
    if (page.resumptionToken && tokensSeen.has(page.resumptionToken)) {
      throw new PaperboyError(
        'arxiv_rejected',
        `${page.url} sent back a resumption token it had given before: the list would never end. Stopped; try again later.`,
      );
    }
    await store.begin();
    try {
      // The store counts announced papers only; a backfill announces none, so count the ids it did not hold.
      const ids = page.entries.map((e) => e.arxivId);
      const before = (await store.findByArxivIds(ids)).size;
      await store.saveArxivEntries(page.entries, 'backfill', clock());
      newPapers += (await store.findByArxivIds(ids)).size - before;
      position.pages++;
      position.entries += page.entries.length;
      position.token = page.resumptionToken;
      if (!page.resumptionToken) position.categoryIndex++;
      position.done = position.categoryIndex >= categories.length;
      await state.saveBackfill(key, position, clock());
      await store.commit();
    } catch (error) {
      await store.rollback();
      throw error;
    }
    progress();
  }
  return {
    from,
    until: until ?? null,
    categories: [...categories],
    pages: position.pages,
    entries: position.entries,
    newPapers,
    resumed,
    complete: position.done,
  };
}
