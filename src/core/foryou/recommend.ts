import type { Reader, ReadingListStore } from '../reading/reading-list-store.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import type { LinearModel } from './linear-svm.ts';
import { refreshPaperFeatures } from './paper-features.ts';
import { BACKGROUND_SAMPLE, learnTaste, MIN_POSITIVES, scoreOf, whyTerms } from './taste-model.ts';
import type { SignalSource, TasteOwner, TasteStore } from './taste-store.ts';
import { type DocumentFrequencies, featuresFromBytes, paperText, type SparseVector, toTfidf } from './text-features.ts';

/** Everything a reading list can hold, and more: imports past the cap count as taste (docs/foryou.md). */
const LIST_READ = 100_000;
/** The default window: the 7 days before `until`. */
export const WINDOW_DAYS = 7;

const POSITIVE: ReadonlySet<SignalSource> = new Set(['like', 'reaction_up', 'import']);

/** What an owner's signals say: liked papers, dismissed papers, and every paper they already acted on. */
export interface Taste {
  positives: number[];
  negatives: number[];
  /** Saved or dismissed (or otherwise signalled): left out of recommendations. */
  seen: Set<number>;
}

/**
 * An owner's taste from the store. A person: their reading list and their own signals (Saves, imports, Likes,
 * Not interested, reactions, removals). A channel: only the Likes, Not interested and reactions given in it, so
 * nobody's private saves reach a channel. Per paper, positive and negative signals are summed.
 */
export async function tasteOf(
  owner: TasteOwner,
  deps: { taste: TasteStore; readingList: ReadingListStore },
): Promise<Taste> {
  const balance = new Map<number, number>();
  const add = (paperId: number, by: number) => balance.set(paperId, (balance.get(paperId) ?? 0) + by);
  if (owner.kind === 'user') {
    const reader: Reader = { platform: owner.platform, space: owner.space, user: owner.id };
    for (const saved of await deps.readingList.list(reader, 0, LIST_READ)) add(saved.paperId, 1);
  }
  const signals = await deps.taste.signals(owner);
  const imported = new Set<number>();
  for (const signal of signals) {
    // An import of a paper already on the list is the same Save, not a second one.
    if (signal.source === 'import') {
      if (imported.has(signal.paperId)) continue;
      imported.add(signal.paperId);
      if (balance.has(signal.paperId) && owner.kind === 'user') continue;
    }
    add(signal.paperId, POSITIVE.has(signal.source) ? 1 : -1);
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  for (const [paperId, value] of balance) {
    if (value > 0) positives.push(paperId);
    else if (value < 0) negatives.push(paperId);
  }
  return { positives, negatives, seen: new Set(balance.keys()) };
}

export interface RecommendDeps {
  store: PaperStore;
  taste: TasteStore;
}

export interface RecommendRequest {
  owner: TasteOwner;
  /** `YYYY-MM-DD`; default {@link WINDOW_DAYS} days before `until`. */
  since?: string;
  /** `YYYY-MM-DD`, exclusive; default the day after the newest paper in the index. */
  until?: string;
  limit: number;
  offset?: number;
}

export interface Recommended {
  paper: StoredPaper;
  /** The model's score; null when nothing is learned yet. */
  score: number | null;
  why: string[];
}

export interface Recommendation {
  since: string;
  until: string;
  /** The window's papers, less those the owner saved or dismissed. */
  candidates: number;
  trained: boolean;
  positives: number;
  results: Recommended[];
}

/** `YYYY-MM-DD` of a UTC day plus `days`. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The window a request means: `until` exclusive (default the day after the newest paper), `since` 7 days before. */
export async function windowOf(
  taste: TasteStore,
  request: { since?: string; until?: string },
  today: () => Date = () => new Date(),
): Promise<{ since: string; until: string }> {
  const newest = await taste.newestDate();
  const until =
    request.until ??
    (newest && /^\d{4}-\d{2}-\d{2}$/.test(newest)
      ? addDays(newest, 1)
      : addDays(today().toISOString().slice(0, 10), 1));
  return { since: request.since ?? addDays(until, -WINDOW_DAYS), until };
}

const vectorsOf = (bytes: Map<number, Uint8Array>, frequencies: DocumentFrequencies, ids: Iterable<number>) => {
  const out: SparseVector[] = [];
  for (const id of ids) {
    const b = bytes.get(id);
    if (b) out.push(toTfidf(featuresFromBytes(b), frequencies));
  }
  return out;
};

const EMPTY: SparseVector = { ids: new Uint32Array(0), weights: new Float32Array(0) };

/** A learned taste and what it needs to score papers: the model and the document frequencies. */
export interface LearnedTaste {
  model: LinearModel;
  frequencies: DocumentFrequencies;
}

/** Learns an owner's taste from stored features; undefined with fewer than {@link MIN_POSITIVES} positives. */
export async function learnFromStore(deps: RecommendDeps, taste: Taste): Promise<LearnedTaste | undefined> {
  if (taste.positives.length < MIN_POSITIVES) return undefined;
  const [frequencies, known, sample] = await Promise.all([
    deps.taste.frequencies(),
    deps.taste.features([...taste.positives, ...taste.negatives]),
    deps.taste.sampleFeatures(BACKGROUND_SAMPLE, 0x5eed),
  ]);
  for (const id of taste.seen) sample.delete(id);
  const positives = vectorsOf(known, frequencies, taste.positives);
  if (positives.length < MIN_POSITIVES) return undefined;
  const model = learnTaste({
    positives,
    negatives: vectorsOf(known, frequencies, taste.negatives),
    background: vectorsOf(sample, frequencies, sample.keys()),
  });
  return { model, frequencies };
}

/**
 * Orders papers by a learned taste, best first, each with its score and `why`. Ties keep the given order (newest
 * first). Papers without features score by the model's bias alone.
 */
export async function rankByTaste(
  deps: RecommendDeps,
  learned: LearnedTaste,
  paperIds: readonly number[],
): Promise<{ paperId: number; score: number; vector: SparseVector }[]> {
  const bytes = await deps.taste.features(paperIds);
  return paperIds
    .map((paperId, order) => {
      const b = bytes.get(paperId);
      const vector = b ? toTfidf(featuresFromBytes(b), learned.frequencies) : EMPTY;
      return { paperId, score: scoreOf(learned.model, vector), vector, order };
    })
    .sort((a, b) => b.score - a.score || a.order - b.order);
}

/**
 * The papers of a window, best first for the owner's taste, leaving out what they saved or dismissed. With fewer
 * than three positives nothing is learned: newest first, no score, no `why`.
 */
export async function recommend(
  deps: RecommendDeps,
  request: RecommendRequest,
  today?: () => Date,
): Promise<Recommendation> {
  await refreshPaperFeatures(deps.store, deps.taste);
  const { since, until } = await windowOf(deps.taste, request, today);
  const taste = await tasteOf(request.owner, { taste: deps.taste, readingList: deps.store.readingList });
  const candidates = (await deps.taste.papersInWindow(since, until)).filter((id) => !taste.seen.has(id));
  const offset = request.offset ?? 0;
  const learned = await learnFromStore(deps, taste);
  const base = { since, until, candidates: candidates.length, positives: taste.positives.length };
  if (!learned) {
    const ids = candidates.slice(offset, offset + request.limit);
    const papers = new Map((await deps.store.getPapers(ids)).map((p) => [p.id, p]));
    const results = ids.flatMap((id): Recommended[] => {
      const paper = papers.get(id);
      return paper ? [{ paper, score: null, why: [] }] : [];
    });
    return { ...base, trained: false, results };
  }
  const ranked = (await rankByTaste(deps, learned, candidates)).slice(offset, offset + request.limit);
  const papers = new Map((await deps.store.getPapers(ranked.map((r) => r.paperId))).map((p) => [p.id, p]));
  const results = ranked.flatMap(({ paperId, score, vector }): Recommended[] => {
    const paper = papers.get(paperId);
    return paper ? [{ paper, score, why: whyTerms(learned.model, vector, paperText(paper)) }] : [];
  });
  return { ...base, trained: true, results };
}
