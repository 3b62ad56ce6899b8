import { refreshPaperFeatures } from '../foryou/paper-features.ts';
import { type LearnedTaste, learnFromStore, rankByTaste, tasteOf } from '../foryou/recommend.ts';
import { MIN_POSITIVES, whyTerms } from '../foryou/taste-model.ts';
import type { TasteOwner, TasteStore } from '../foryou/taste-store.ts';
import { paperText } from '../foryou/text-features.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import type { Subscription } from './digest-store.ts';

/** What ranking a digest reads: the papers (and reading lists) and the taste store. */
export interface RankDeps {
  store: PaperStore;
  taste: TasteStore;
}

/**
 * Whose taste a ranked subscription reads: a channel digest its channel's, a watch its person's (the channel of a
 * watch is the person's id). A subscription kept before its space was stored: the terminal's is `terminal`;
 * another has none, and stays unranked.
 */
export function tasteOwnerOf(subscription: Subscription): TasteOwner | undefined {
  const space = subscription.space ?? (subscription.platform === 'terminal' ? 'terminal' : null);
  if (space === null) return undefined;
  return {
    kind: subscription.kind === 'watch' ? 'user' : 'channel',
    platform: subscription.platform,
    space,
    id: subscription.channel,
  };
}

/** A ranked subscription's learned taste, or how many positives it has when too few to learn from. */
export async function digestTaste(
  subscription: Subscription,
  deps: RankDeps,
): Promise<{ learned: LearnedTaste } | { positives: number }> {
  const owner = tasteOwnerOf(subscription);
  if (!owner) return { positives: 0 };
  await refreshPaperFeatures(deps.store, deps.taste);
  const taste = await tasteOf(owner, { taste: deps.taste, readingList: deps.store.readingList });
  const learned = await learnFromStore(deps, taste);
  return learned ? { learned } : { positives: taste.positives.length };
}

/** Paper ids best first by a learned taste (ties keep the given order). */
export async function rankIds(deps: RankDeps, learned: LearnedTaste, ids: readonly number[]): Promise<number[]> {
  return (await rankByTaste(deps, learned, ids)).map((r) => r.paperId);
}

/** Each paper's `why` terms under a learned taste. */
export async function whyOfPapers(
  deps: RankDeps,
  learned: LearnedTaste,
  papers: readonly StoredPaper[],
): Promise<Map<number, string[]>> {
  const ranked = await rankByTaste(
    deps,
    learned,
    papers.map((p) => p.id),
  );
  const byId = new Map(papers.map((p) => [p.id, p]));
  const out = new Map<number, string[]>();
  for (const { paperId, vector } of ranked) {
    const paper = byId.get(paperId);
    if (paper) out.set(paperId, whyTerms(learned.model, vector, paperText(paper)));
  }
  return out;
}

/** The line a ranked digest carries when its taste is too thin to rank by: it keeps its usual order. */
export function unrankedNote(subscription: Subscription, positives: number): string {
  const whose =
    subscription.kind === 'watch' ? 'your Likes, Saves and imported papers' : 'Likes (and 👍) given in this channel';
  return `Not ranked yet: ranking needs ${MIN_POSITIVES} ${whose}, and there ${positives === 1 ? 'is' : 'are'} ${positives}; the usual order meanwhile.`;
}
