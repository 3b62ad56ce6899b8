import type { Runner } from '../digest/digest-lease.ts';
import { whenNotBusy } from '../store/busy.ts';
import type { PaperStore } from '../store/paper-store.ts';
import type { ArxivEntry, ArxivSaveCounts } from './arxiv-entry.ts';
import { type ArxivState, feedKey } from './arxiv-state.ts';

/** One fetched listing: the URL asked, the feed's build time, its entries. An adapter fetches it. */
export type FetchListing = (
  categories: readonly string[],
) => Promise<{ url: string; updated: string | null; entries: ArxivEntry[] }>;

/** What `arxiv sync --json` prints. */
export interface SyncResult extends ArxivSaveCounts {
  /** The listing URL fetched. */
  feed: string;
  /** The feed-level `updated` (its build time). */
  updated: string | null;
  /** An empty feed (weekend, holiday) or the same build as the last sync's ("not updated yet"): counts are 0. */
  quiet: boolean;
}

export interface SyncOptions {
  store: PaperStore;
  state: ArxivState;
  fetchListing: FetchListing;
  categories: readonly string[];
  now: Date;
  /**
   * Runs the write that follows the fetch; a running bot passes a wait for another process's write lock (its
   * SQLite calls give up after 200 ms), so a listing already fetched is stored, not thrown away and fetched again.
   */
  whenWritable?: <T>(write: () => Promise<T>) => Promise<T>;
}

const NO_COUNTS: ArxivSaveCounts = { entries: 0, new: 0, cross: 0, replaced: 0, newPapers: 0 };

/**
 * One sync of the daily listing: one fetch, then the entries and the feed's `updated` stored in one transaction.
 * A fetch or parse failure throws before anything is written. An empty feed, or one whose `updated` equals the
 * last sync's for these categories, is quiet: nothing stored, counts 0.
 */
export async function syncListing(options: SyncOptions): Promise<SyncResult> {
  const listing = await options.fetchListing(options.categories);
  const write = () => storeListing(options, listing);
  return options.whenWritable ? options.whenWritable(write) : write();
}

async function storeListing(
  { store, state, categories, now }: SyncOptions,
  listing: Awaited<ReturnType<FetchListing>>,
): Promise<SyncResult> {
  const key = feedKey(categories);
  const last = (await state.feed(key)).updated;
  const sameBuild = listing.updated !== null && listing.updated === last;
  if (listing.entries.length === 0 || sameBuild) {
    if (!sameBuild) await state.markSynced(key, listing.updated, now);
    return { feed: listing.url, updated: listing.updated, ...NO_COUNTS, quiet: true };
  }
  await store.begin();
  try {
    const { paperIds: _ids, ...counts } = await store.saveArxivEntries(listing.entries, 'listing', now);
    await state.markSynced(key, listing.updated, now);
    await store.commit();
    return { feed: listing.url, updated: listing.updated, ...counts, quiet: false };
  } catch (error) {
    await store.rollback();
    throw error;
  }
}

const NEW_YORK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The day (`YYYY-MM-DD`) and minute of the day in New York, where arXiv's schedule is kept. */
export function newYorkTime(at: Date): { day: string; minutes: number } {
  const part = (type: string) => NEW_YORK.formatToParts(at).find((p) => p.type === type)?.value ?? '00';
  return {
    day: `${part('year')}-${part('month')}-${part('day')}`,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** The listing is rebuilt at midnight New York time; the first try is at 00:30. */
export const FIRST_TRY_MINUTES = 30;
/** While the feed is not rebuilt yet, the daily sync tries again this often. */
export const RETRY_MS = 30 * 60_000;
/** A daily sync's claim on its feed: long enough for a fetch with all its retries and waits. */
export const ARXIV_LEASE_MS = 10 * 60_000;
/** How long a daily sync waits for another process's write lock to store what it fetched. */
export const SYNC_WRITE_WAIT_MS = 60_000;

/** True when the daily sync of a feed should try now (from 00:30 New York time, every 30 minutes until done). */
export function isDailySyncDue(row: { doneDay: string | null; triedAt: number | null }, now: Date): boolean {
  const { day, minutes } = newYorkTime(now);
  if (minutes < FIRST_TRY_MINUTES || row.doneDay === day) return false;
  return row.triedAt === null || now.getTime() - row.triedAt >= RETRY_MS || row.triedAt > now.getTime();
}

/**
 * The daily sync a running bot does: when due (see {@link isDailySyncDue}) and when this runner gets the feed's
 * lease (one runner fetches at a time, however many share the database), one {@link syncListing}. The day is
 * done once the feed was built that New York day (a listing, or an empty holiday feed); a feed still holding
 * the previous build is tried again 30 minutes later. Null when there was nothing to do.
 */
export async function runDailySync(options: Omit<SyncOptions, 'now'> & { runner: Runner }): Promise<SyncResult | null> {
  const { state, categories, runner } = options;
  const key = feedKey(categories);
  const now = new Date(runner.clock());
  if (!isDailySyncDue(await state.feed(key), now)) return null;
  if (!(await state.claim(key, runner.owner, now.getTime(), runner.leaseMs))) return null;
  try {
    // Another runner may have finished the day between our read and our claim.
    if (!isDailySyncDue(await state.feed(key), now)) return null;
    // Waits for another process's write lock on a timer (a bot's SQLite calls give up after 200 ms).
    const whenWritable = <T>(write: () => Promise<T>) => whenNotBusy(write, { maxWaitMs: SYNC_WRITE_WAIT_MS });
    let result: SyncResult;
    try {
      result = await syncListing({ ...options, now, whenWritable });
    } catch (error) {
      await whenWritable(() => state.markTried(key, now.getTime(), null)).catch(() => {});
      throw error;
    }
    const today = newYorkTime(now).day;
    // A build time that is no date (a proxy's page, a hostile feed) counts as none, never as an error that
    // would leave the day untried and fetch again at every tick.
    const builtAt = result.updated === null ? Number.NaN : Date.parse(result.updated);
    const builtToday = !Number.isNaN(builtAt) && newYorkTime(new Date(builtAt)).day === today;
    const doneDay = builtToday || (!result.quiet && Number.isNaN(builtAt)) ? today : null;
    await whenWritable(() => state.markTried(key, now.getTime(), doneDay));
    return result;
  } finally {
    // Left held when the database stays locked: the lease runs out by itself.
    await whenNotBusy(() => state.release(key, runner.owner), { maxWaitMs: SYNC_WRITE_WAIT_MS }).catch(() => {});
  }
}

/** One line for the log on what a daily sync did. */
export const describeDailySync = (r: SyncResult): string =>
  r.quiet
    ? `${r.feed} is quiet (empty, or not rebuilt since ${r.updated ?? 'the last sync'})`
    : `${r.feed}: ${r.entries} entries, ${r.newPapers} papers new to the index`;
