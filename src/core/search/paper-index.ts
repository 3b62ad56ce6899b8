import { INPUT_LIMITS } from '../input-limits.ts';
import type { IndexRow, PaperStore } from '../store/paper-store.ts';
import { editDistance, transpositions } from './edit-distance.ts';
import { readSnapshot, writeSnapshot } from './index-snapshot.ts';
import { type PaperFacts, PaperFactsTable } from './paper-facts.ts';
import { TitleVocabulary } from './title-vocabulary.ts';
import { normalizeTerm, toTerms } from './tokenize.ts';

export type { PaperFacts } from './paper-facts.ts';

/** How many typo alternatives, and how many completions, a word may stand for. */
export const ALTERNATIVES = 3;
/** Longer words are matched only as spelled: fuzzy matching costs the square of the length. */
export const MAX_FUZZY_LENGTH = INPUT_LIMITS.fuzzyWord;
export const MIN_COMPLETION_LENGTH = 3;

/** Edits a typo alternative may be away from a word of this length (0: no alternatives). */
export const maxTypoEdits = (term: string): number =>
  term.length > MAX_FUZZY_LENGTH ? 0 : term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0;
/** Alphabetical order by UTF-16 code unit: the same everywhere, whatever the locale. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const SYNC_PAGE = 5000;

export function toFacts(paper: IndexRow): PaperFacts {
  const [y = 0, m, d] = paper.date.split('-').map(Number);
  const from = m === undefined ? y * 10000 + 101 : y * 10000 + m * 100 + (d ?? 1);
  const to = m === undefined ? y * 10000 + 1231 : from;
  const categories = [
    ...new Set(
      [paper.category, paper.categoryFull, ...paper.alsoCategories].filter((c): c is string => !!c).map(normalizeTerm),
    ),
  ];
  return { from, to, categories, hasCode: paper.hasCode };
}

export interface PaperIndexOptions {
  store: PaperStore;
  /** Where the index snapshot lives (beside the database); none for an in-memory database. */
  snapshotPath?: string;
}

/**
 * What search keeps in memory, in step with the store by its revision counter: the title vocabulary (every
 * title word with how many titles hold it, for typos and completions) and each paper's filter facts. Every
 * match and every score comes from the store's text index; see docs/search.md.
 */
export class PaperIndex {
  readonly store: PaperStore;
  readonly snapshotPath: string | undefined;
  readonly facts: PaperFactsTable;
  /** Every title term with how many titles contain it, for typos and prefixes. */
  readonly vocabulary: TitleVocabulary;
  #rev = 0;
  #syncing: Promise<number> = Promise.resolve(0);
  /** How many papers the last open or sync added or replaced. */
  caughtUp = 0;
  /** True when the open loaded a snapshot of this database (then only the papers changed since were read). */
  readonly fromSnapshot: boolean;

  private constructor(
    options: PaperIndexOptions,
    rev: number,
    parts?: { facts: PaperFactsTable; vocabulary: TitleVocabulary },
  ) {
    this.store = options.store;
    this.snapshotPath = options.snapshotPath;
    this.#rev = rev;
    this.facts = parts?.facts ?? new PaperFactsTable();
    this.vocabulary = parts?.vocabulary ?? new TitleVocabulary();
    this.fromSnapshot = parts !== undefined;
  }

  /**
   * Opens the index: loads the snapshot when there is one of this very database, catches up with what changed
   * in the store since, or builds from the store when there is none. A snapshot of another database (one
   * deleted and made again at the same path) is rebuilt, never loaded: its revisions mean other papers. A
   * damaged snapshot, or one whose parts disagree, is only a cache: it is rebuilt too.
   */
  static async open(options: PaperIndexOptions): Promise<PaperIndex> {
    const snapshot = options.snapshotPath ? readSnapshot(options.snapshotPath) : undefined;
    const storeRev = await options.store.maxRev();
    const index =
      snapshot && snapshot.identity === (await options.store.identity()) && snapshot.rev <= storeRev
        ? new PaperIndex(options, snapshot.rev, {
            facts: new PaperFactsTable({ ...snapshot, combo: snapshot.categorySet }),
            vocabulary: new TitleVocabulary(snapshot.words, snapshot.counts),
          })
        : new PaperIndex(options, 0);
    await index.sync();
    return index;
  }

  get rev(): number {
    return this.#rev;
  }

  get size(): number {
    return this.facts.size;
  }

  /**
   * Adds what changed in the store since the last sync; cheap when nothing did. Returns how many papers.
   * Syncs run one after another, never interleaved: two searches at once must not count a title twice.
   */
  sync(): Promise<number> {
    const run = this.#syncing.then(() => this.#syncOnce());
    this.#syncing = run.catch(() => 0);
    return run;
  }

  async #syncOnce(): Promise<number> {
    if ((await this.store.maxRev()) === this.#rev) return 0;
    let changed = 0;
    const startRev = this.#rev;
    // The revision each paper was read at in this sync: one retitled again while the sync pages is read twice,
    // and its second reading must drop the title its first one counted.
    const readAt = new Map<number, number>();
    for (;;) {
      const papers = await this.store.indexRowsChangedSince(this.#rev, SYNC_PAGE);
      if (papers.length === 0) break;
      // A title can change (an arXiv replacement): the words of the title the index holds go, the new ones come.
      const heldBefore = papers.some((p) => this.facts.has(p.id) && !readAt.has(p.id))
        ? await this.store.titlesAt(startRev)
        : new Map<number, string>();
      for (const paper of papers) {
        if (!this.facts.has(paper.id)) this.#count(paper.title, 1);
        else {
          const readBefore = readAt.get(paper.id);
          const held =
            readBefore === undefined ? heldBefore.get(paper.id) : (await this.store.titlesAt(readBefore)).get(paper.id);
          if (held !== undefined && held !== paper.title) {
            this.#count(held, -1);
            this.#count(paper.title, 1);
          }
        }
        readAt.set(paper.id, paper.rev);
        this.facts.set(paper.id, toFacts(paper));
        this.#rev = Math.max(this.#rev, paper.rev);
      }
      changed += papers.length;
    }
    this.vocabulary.commit();
    this.caughtUp = changed;
    return changed;
  }

  /** Adds (`by` 1) or removes (`by` -1) one title's words from the vocabulary; a word in no title leaves it. */
  #count(title: string, by: 1 | -1): void {
    for (const term of new Set(toTerms(title))) this.vocabulary.add(term, by);
  }

  /** How many titles contain `term` (normalised). */
  titleCount(term: string): number {
    return this.vocabulary.count(term);
  }

  /**
   * Title words a mistyped `term` may stand for (docs/search.md, "Accepted spellings"): within 1 edit for 4 to 7
   * characters, 2 from 8 (a swap of neighbouring letters is one edit: {@link editDistance}), none for shorter words or words over {@link MAX_FUZZY_LENGTH}; only
   * those at the smallest distance found, those in most titles first, then alphabetically; at most `limit`.
   */
  typos(term: string, limit = ALTERNATIVES): string[] {
    const maxEdits = maxTypoEdits(term);
    if (maxEdits === 0) return [];
    // Candidates within Levenshtein reach, and those a swap or two of neighbouring letters away; each is then
    // measured exactly, swaps counting as one edit.
    const candidates = new Set<string>();
    for (const word of this.vocabulary.within(term, maxEdits)) candidates.add(word);
    for (const swapped of transpositions(term)) {
      if (maxEdits === 1) {
        if (this.vocabulary.has(swapped)) candidates.add(swapped);
        continue;
      }
      for (const word of this.vocabulary.within(swapped, maxEdits - 1)) candidates.add(word);
      for (const twice of transpositions(swapped)) if (this.vocabulary.has(twice)) candidates.add(twice);
    }
    const found: { word: string; distance: number; count: number }[] = [];
    for (const word of candidates) {
      const distance = editDistance(term, word, maxEdits);
      if (word !== term && distance <= maxEdits) found.push({ word, distance, count: this.titleCount(word) });
    }
    const closest = Math.min(...found.map((f) => f.distance));
    return found
      .filter((f) => f.distance === closest)
      .sort((a, b) => b.count - a.count || compareText(a.word, b.word))
      .slice(0, limit)
      .map((f) => f.word);
  }

  /**
   * Title words an unfinished `term` may be the start of: longer words beginning with it, for terms of 3 to
   * {@link MAX_FUZZY_LENGTH} characters; those in most titles first, then alphabetically; at most `limit`.
   */
  completions(term: string, limit = ALTERNATIVES): string[] {
    if (term.length < MIN_COMPLETION_LENGTH || term.length > MAX_FUZZY_LENGTH) return [];
    const found: { word: string; count: number }[] = [];
    for (const [word, count] of this.vocabulary.atPrefix(term)) if (word !== term) found.push({ word, count });
    return found
      .sort((a, b) => b.count - a.count || compareText(a.word, b.word))
      .slice(0, limit)
      .map((f) => f.word);
  }

  /** Writes the snapshot atomically (temp file, then rename), so a reader never sees half of it. */
  async saveSnapshot(): Promise<void> {
    if (!this.snapshotPath) return;
    const identity = await this.store.identity();
    const { words, counts } = this.vocabulary.entries();
    const parts = this.facts.parts();
    writeSnapshot(this.snapshotPath, {
      identity,
      rev: this.#rev,
      papers: this.facts.size,
      categorySets: this.facts.categorySets,
      from: parts.from,
      to: parts.to,
      flags: parts.flags,
      categorySet: parts.combo,
      words,
      counts,
    });
  }
}

/** The snapshot file that goes with a database file. */
export const snapshotPathFor = (dbPath: string): string | undefined =>
  dbPath === ':memory:' ? undefined : `${dbPath}.search-index.json`;
