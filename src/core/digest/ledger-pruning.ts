import type { DigestStore } from './digest-store.ts';

const DAY_MS = 24 * 60 * 60_000;
/** Finished ledger rows are kept this long (their message ids and notes, for people asking what went out). */
export const LEDGER_KEEP_DAYS = 30;
/** `empty` rows (nothing new; a watch makes up to 96 a day) are kept this long. */
export const LEDGER_KEEP_EMPTY_DAYS = 2;
/** A process prunes the ledger at most this often. */
export const LEDGER_PRUNE_EVERY_MS = 60 * 60_000;

const lastPruned = new WeakMap<DigestStore, number>();

/**
 * Deletes old finished ledger rows, at most once an hour per store in a process: `sent` and `skipped` rows after
 * {@link LEDGER_KEEP_DAYS} days, `empty` ones after {@link LEDGER_KEEP_EMPTY_DAYS}, never a subscription's newest row
 * (new rows are checked against it) nor an unfinished one. Ages are by the database's clock (`dbNow`).
 */
export async function pruneLedger(digests: DigestStore, dbNow: number, log: (line: string) => void): Promise<void> {
  const last = lastPruned.get(digests);
  if (last !== undefined && dbNow - last < LEDGER_PRUNE_EVERY_MS && dbNow >= last) return;
  lastPruned.set(digests, dbNow);
  try {
    const pruned = await digests.pruneRuns(
      new Date(dbNow - LEDGER_KEEP_DAYS * DAY_MS),
      new Date(dbNow - LEDGER_KEEP_EMPTY_DAYS * DAY_MS),
    );
    if (pruned > 0) log(`paperboy: pruned ${pruned} old digest ledger row(s)`);
  } catch (error) {
    // A busy database: the next hour tries again; pruning never holds up the digests.
    lastPruned.delete(digests);
    log(`paperboy: the digest ledger was not pruned this time: ${(error as Error).message}`);
  }
}
