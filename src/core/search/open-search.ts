import type { TasteStore } from '../foryou/taste-store.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { PaperIndex, snapshotPathFor } from './paper-index.ts';
import { type CitationCounts, createSearch, type Search } from './search.ts';
import type { TextIndex } from './text-index.ts';

// Catching up more than this many papers at start is worth a new snapshot, so the next start is fast.
const RESNAPSHOT_AFTER = 2000;

/**
 * Opens the search over a store: loads the index snapshot beside the database, catches up with what changed
 * since, and writes a fresh snapshot when the catch-up was large.
 */
export async function openSearch(
  {
    store,
    text,
    citations,
    vectors,
  }: {
    store: PaperStore;
    text: TextIndex;
    citations?: CitationCounts | undefined;
    /** The stored text vectors "more like this" ranks by (For you's features). */
    vectors?: TasteStore | undefined;
  },
  dbPath: string,
): Promise<{ index: PaperIndex; search: Search }> {
  const snapshotPath = snapshotPathFor(dbPath);
  // At once: a cold start against a remote store (PostgreSQL, no cache yet) builds one while the other reads.
  const [index] = await Promise.all([
    PaperIndex.open(snapshotPath ? { store, snapshotPath } : { store }),
    text.catchUp(store),
  ]);
  if (index.caughtUp >= RESNAPSHOT_AFTER) {
    // The snapshot only makes the next start faster: a failed write (a full disk, a folder in the way) must
    // not keep this one from answering. Doctor reports the snapshot, and ingest names the error.
    try {
      await index.saveSnapshot();
    } catch {}
  }
  return { index, search: createSearch({ index, store, text, citations, vectors }) };
}

/**
 * Leaves the snapshot beside the database current, as `paperboy ingest` does before it exits: loads it, catches
 * up what changed (one pass over the new rows, not their abstracts), and writes it when anything did or when
 * there was none. The next `search` or `start` then loads it instead of reading every paper.
 * @returns whether a snapshot was written
 */
export async function refreshSnapshot(store: PaperStore, dbPath: string): Promise<boolean> {
  const snapshotPath = snapshotPathFor(dbPath);
  if (!snapshotPath) return false;
  const index = await PaperIndex.open({ store, snapshotPath });
  if (index.fromSnapshot && index.caughtUp === 0) return false;
  await index.saveSnapshot();
  return true;
}
