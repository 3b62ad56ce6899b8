import type { PaperStore } from '../store/paper-store.ts';
import type { TasteStore } from './taste-store.ts';
import { featuresToBytes, packFeatures, paperText } from './text-features.ts';

const BATCH = 2000;

/**
 * Brings the stored text features up to the store's rev: every paper changed since the last run gets its features
 * (words and two-word phrases of title and abstract, hashed) and the document frequencies move with it. Run after
 * an ingest, and before an answer (a few new papers from arXiv cost milliseconds). Returns how many papers it made.
 */
export async function refreshPaperFeatures(
  store: PaperStore,
  taste: TasteStore,
  onProgress?: (done: number) => void,
): Promise<number> {
  let rev = await taste.featuresRev();
  let done = 0;
  for (;;) {
    const papers = await store.papersChangedSince(rev, BATCH);
    if (papers.length === 0) return done;
    const last = papers[papers.length - 1]?.rev ?? rev;
    await taste.saveFeatures(
      papers.map((p) => ({ paperId: p.id, bytes: featuresToBytes(packFeatures(paperText(p))) })),
      last,
    );
    rev = last;
    done += papers.length;
    onProgress?.(done);
  }
}
