import type { Search } from '../search/search.ts';
import type { PaperStore } from '../store/paper-store.ts';
import type { DigestStore, Subscription } from './digest-store.ts';

/** The most papers one digest shows; the rest are counted, with a search that lists them (docs/digests.md). */
export const DIGEST_MAX_PAPERS = 50;

export interface DigestSelection {
  /** Highest sequence number considered: the watermark moves here, past the papers not shown too. */
  toSeq: number;
  /** The papers to show, best matches first for a query, newest first otherwise; at most the maximum. */
  ids: number[];
  /** How many more matched than are shown. */
  more: number;
  /** A search that lists the papers not shown (and may list others), or null when there are none. */
  moreSearch: string | null;
}

/**
 * The papers a subscription would get now: announced papers new since its watermark that match its query
 * (never relaxed), at most `max` of them.
 */
export async function selectDigestPapers(
  subscription: Subscription,
  deps: { store: PaperStore; digests: DigestStore; search: Search },
  max = DIGEST_MAX_PAPERS,
): Promise<DigestSelection> {
  const toSeq = await deps.store.maxSeq();
  const fresh = await deps.digests.newPaperIds(subscription.watermark, toSeq);
  const ids = subscription.query ? await deps.search.filterMatching(subscription.query, fresh, 'relevance') : fresh;
  const rest = ids.slice(max);
  return {
    toSeq,
    ids: ids.slice(0, max),
    more: rest.length,
    moreSearch: rest.length > 0 ? toMoreSearch(subscription.query, await oldestDate(deps.store, rest)) : null,
  };
}

/**
 * The subscription's query narrowed to papers dated from the oldest one not shown, newest first: every paper
 * left out is in it (they matched the query), with older papers of those days that were not new.
 */
export function toMoreSearch(query: string, since: string): string {
  return `${query} since:${since} sort:date`.trim();
}

const PAGE = 1000;

async function oldestDate(store: PaperStore, ids: readonly number[]): Promise<string> {
  let oldest: string | undefined;
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const paper of await store.getPapers(ids.slice(i, i + PAGE))) {
      // A bare year sorts before the days of that year, as it should: `since:2024` covers them all.
      if (oldest === undefined || paper.date < oldest) oldest = paper.date;
    }
  }
  return oldest ?? '1970';
}
