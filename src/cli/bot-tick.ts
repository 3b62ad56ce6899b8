import type { IngestSummary } from '../core/ingest/ingest-summary.ts';
import type { createProfileWatcher } from '../core/ingest/profile-watcher.ts';
import { type BusyRetryOptions, isDatabaseBusy, whenNotBusy } from '../core/store/busy.ts';

export interface BotTickOptions {
  watcher: ReturnType<typeof createProfileWatcher>;
  /** Posts the digests that are due; safe to run again after a failure (the ledger says what went out). */
  runDigests: () => Promise<unknown>;
  /** Asked before each load of the folder: false when another instance runs the watcher (PostgreSQL). */
  mayWatch?: () => Promise<boolean>;
  clock: () => Date;
  report: (summary: IngestSummary | undefined) => void;
  log: (line: string) => void;
  /** Aborted when the bot stops: waits for the lock end at once. */
  signal?: AbortSignal;
}

/**
 * The bot's periodic work: load pages added or changed under the profiles folder, then post the digests
 * that are due. A database locked by another process (an import holding the write lock) is waited for on a
 * timer, up to `maxWaitMs` for each of the two steps, so chat keeps answering meanwhile; when the lock
 * outlasts that, the step is left for the next tick (pages not stored are not marked seen) and nothing
 * crashes. Other errors are thrown as before.
 */
export function createBotTick({ watcher, runDigests, mayWatch, clock, report, log, signal }: BotTickOptions) {
  const busyFor = (maxWaitMs: number): BusyRetryOptions => {
    let told = false;
    return {
      maxWaitMs,
      ...(signal ? { signal } : {}),
      onWait: () => {
        if (!told) log('paperboy: the database is locked by another process (an import?); waiting for it');
        told = true;
      },
    };
  };
  const leaveForNextTick = (what: string) => (error: unknown) => {
    if (!isDatabaseBusy(error)) throw error;
    log(`paperboy database_busy: ${what} at the next tick. ${(error as Error).message}`);
  };
  const loadPages = async (maxWaitMs: number): Promise<void> => {
    if (mayWatch && !(await mayWatch())) return;
    await watcher
      .loadChanged(clock(), busyFor(maxWaitMs))
      .then(report)
      .catch(leaveForNextTick('new or changed profile pages load'));
  };
  const postDigests = (maxWaitMs: number): Promise<void> =>
    whenNotBusy(runDigests, busyFor(maxWaitMs)).then(() => {}, leaveForNextTick('due digests go out'));
  return {
    loadPages,
    postDigests,
    /** One tick: pages first, so their papers can reach the digests of this same tick. */
    async tick(maxWaitMs: number): Promise<void> {
      await loadPages(maxWaitMs);
      await postDigests(maxWaitMs);
    },
  };
}
