import type { PaperStore } from '../store/paper-store.ts';
import { PaperIndex, snapshotPathFor } from './paper-index.ts';
import { createSearch, type Search } from './search.ts';

// Catching up more than this many papers at start is worth a new snapshot, so the next start is fast.
const RESNAPSHOT_AFTER = 2000;

/**
 * Opens the search over a store: loads the index snapshot beside the database, catches up with what changed
 * since, and writes a fresh snapshot when the catch-up was large.
 */
export function openSearch(store: PaperStore, dbPath: string): { index: PaperIndex; search: Search } {
  const snapshotPath = snapshotPathFor(dbPath);
  const index = PaperIndex.open(snapshotPath ? { store, snapshotPath } : { store });
  if (index.caughtUp >= RESNAPSHOT_AFTER) index.saveSnapshot();
  return { index, search: createSearch({ index, store }) };
}
