import { authorCardOf } from '../authors/author-lookup.ts';
import { toAuthorKey } from '../store/author-index.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import type { AuthorFigures, EnrichmentStore } from './enrichment-store.ts';
import { arxivDoiOf, bareDoi, publishedDoi } from './scholarly.ts';

/** One OpenAlex author a name search returned. */
export interface AuthorCandidate {
  /** `https://openalex.org/A…` or `A…`. */
  id: string;
  displayName: string;
  hIndex: number | null;
  citations: number | null;
}

/** What resolving an author needs of OpenAlex (the adapter implements it). */
export interface AuthorSource {
  searchAuthors(name: string, signal?: AbortSignal): Promise<AuthorCandidate[]>;
  /** How many of these DOIs are works of the author. */
  authorWorkDois(authorId: string, dois: readonly string[], signal?: AbortSignal): Promise<number>;
}

/** What an author card shows beside the index's own figures, labelled by source. */
export interface ExternalFigures {
  source: string;
  hIndex: number | null;
  citations: number | null;
  fetchedAt: string;
}

/** Cached figures are looked up again after a week. */
export const AUTHOR_FIGURES_MAX_AGE_MS = 7 * 86_400_000;
/** OpenAlex author look-ups a day (each a search and up to 3 list calls, about $0.0004): the daily cap. */
export const AUTHOR_LOOKUPS_PER_DAY = 200;
// Namesakes checked for shared papers, at most: a common name's fourth namesake is as likely as its first.
const MAX_CANDIDATES = 3;

const fold = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** The DOIs OpenAlex knows an author's papers by: published DOIs, else arXiv's DataCite DOIs. */
export function doisOf(papers: readonly StoredPaper[]): string[] {
  const dois = papers.flatMap((p) => {
    const own = publishedDoi(p.doi);
    if (own) return [own];
    return p.arxivId ? [bareDoi(arxivDoiOf(p.arxivId))] : [];
  });
  return [...new Set(dois)];
}

/** The card's `external` list from cached figures: OpenAlex's when the name resolved, else nothing. */
export const toExternal = (figures: AuthorFigures | undefined): ExternalFigures[] =>
  figures?.found
    ? [{ source: 'OpenAlex', hIndex: figures.hIndex, citations: figures.citations, fetchedAt: figures.fetchedAt }]
    : [];

/**
 * Resolves an author at OpenAlex and caches the answer: the name's search results with exactly that name
 * (accents, case and punctuation aside), each checked for papers in common with the index's papers of that name;
 * figures only when exactly one has any (never a namesake's, never a guess between several). Cached for a week;
 * at most `cap` look-ups a day (OpenAlex bills list calls). Returns the cached or new figures, or undefined when
 * nothing was asked (no papers to check against, the cap reached, a fresh cache).
 */
export async function resolveAuthor(options: {
  key: string;
  name: string;
  papers: readonly StoredPaper[];
  store: Pick<EnrichmentStore, 'authorFigures' | 'saveAuthorFigures' | 'takeAuthorLookup'>;
  source: AuthorSource;
  clock: () => Date;
  cap?: number;
  signal?: AbortSignal;
}): Promise<{ figures: AuthorFigures | undefined; asked: boolean }> {
  const { key, name, papers, store, source, clock } = options;
  const cached = await store.authorFigures(key);
  const now = clock();
  if (cached && now.getTime() - Date.parse(cached.fetchedAt) < AUTHOR_FIGURES_MAX_AGE_MS)
    return { figures: cached, asked: false };
  const dois = doisOf(papers);
  if (dois.length === 0) return { figures: cached, asked: false };
  if (!(await store.takeAuthorLookup(now.toISOString().slice(0, 10), options.cap ?? AUTHOR_LOOKUPS_PER_DAY)))
    return { figures: cached, asked: false };
  const wanted = fold(name);
  const sameName = (await source.searchAuthors(name, options.signal))
    .filter((c) => fold(c.displayName) === wanted)
    .slice(0, MAX_CANDIDATES);
  const sharing: AuthorCandidate[] = [];
  for (const candidate of sameName)
    if ((await source.authorWorkDois(candidate.id, dois, options.signal)) > 0) sharing.push(candidate);
  const [only] = sharing;
  const figures: AuthorFigures =
    sharing.length === 1 && only
      ? {
          source: 'openalex',
          found: true,
          hIndex: only.hIndex,
          citations: only.citations,
          externalId: only.id.replace(/^https:\/\/openalex\.org\//, ''),
          fetchedAt: now.toISOString(),
        }
      : {
          source: 'openalex',
          found: false,
          hIndex: null,
          citations: null,
          externalId: null,
          fetchedAt: now.toISOString(),
        };
  await store.saveAuthorFigures(key, figures);
  return { figures, asked: true };
}

/**
 * Author figures for cards: what is cached, at once, and a look-up queued in the background (one at a time,
 * never awaited by an answer) so the next card shows fresh figures.
 */
export function createAuthorFigures(options: {
  store: Pick<EnrichmentStore, 'authorFigures' | 'saveAuthorFigures' | 'takeAuthorLookup'>;
  source?: AuthorSource | undefined;
  clock: () => Date;
  cap?: number;
  warn?: (line: string) => void;
}) {
  const queue = new Map<string, { name: string; papers: readonly StoredPaper[] }>();
  let running: Promise<void> | undefined;
  const drain = async () => {
    for (const [key, { name, papers }] of queue) {
      queue.delete(key);
      try {
        if (options.source)
          await resolveAuthor({
            key,
            name,
            papers,
            store: options.store,
            source: options.source,
            clock: options.clock,
            ...(options.cap !== undefined ? { cap: options.cap } : {}),
          });
      } catch (error) {
        options.warn?.(
          `paperboy enrich: the author "${name}" was not looked up at OpenAlex: ${(error as Error).message}`,
        );
      }
    }
  };
  return {
    /** The cached figures of `key`, as a card's `external` list; a store that cannot say gives none. */
    async external(key: string): Promise<ExternalFigures[]> {
      try {
        return toExternal(await options.store.authorFigures(key));
      } catch {
        return [];
      }
    },
    /** Queues a look-up of the author (when OpenAlex is on); returns at once. */
    request(key: string, name: string, papers: readonly StoredPaper[]): void {
      if (!options.source) return;
      queue.set(key, { name, papers });
      running ??= drain().finally(() => {
        running = undefined;
      });
    },
    /** Resolves when the queued look-ups are done (tests, shutdown). */
    idle: async (): Promise<void> => {
      while (running) await running;
    },
  };
}

export type AuthorFiguresService = ReturnType<typeof createAuthorFigures>;

/**
 * Resolves the authors who have a profile page (their cards are the ones asked for most), as `enrich` does: those
 * without fresh cached figures, within the daily cap. Returns how many resolved to one OpenAlex author.
 */
export async function resolveProfileAuthors(options: {
  store: PaperStore;
  enrichment: Pick<EnrichmentStore, 'authorFigures' | 'saveAuthorFigures' | 'takeAuthorLookup'>;
  source: AuthorSource;
  clock: () => Date;
  cap?: number;
  signal?: AbortSignal | undefined;
}): Promise<number> {
  let resolved = 0;
  for (const name of await options.store.listProfileNames()) {
    options.signal?.throwIfAborted();
    const author = { name, key: toAuthorKey(name), papers: 0 };
    const { papers } = await authorCardOf(options.store, author);
    const { figures, asked } = await resolveAuthor({
      key: author.key,
      name,
      papers,
      store: options.enrichment,
      source: options.source,
      clock: options.clock,
      ...(options.cap !== undefined ? { cap: options.cap } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (asked && figures?.found) resolved++;
  }
  return resolved;
}
