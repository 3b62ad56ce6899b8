/**
 * When a subscription is due: at its time every day, Monday to Friday, or on one day of the week; or, for a watch
 * made without one, every 15 minutes (`quarter-hourly`).
 */
export type Rhythm = 'daily' | 'weekdays' | 'weekly' | 'quarter-hourly';

/** Where digests are posted: a platform and a channel (for a personal watch, the person's id). */
export type Platform = 'terminal' | 'discord' | 'slack';

export interface Subscription {
  id: number;
  platform: Platform;
  channel: string;
  /** `channel`: a digest in the channel; `watch`: direct messages to one person. */
  kind: 'channel' | 'watch';
  /** When it is due (subscriptions made before rhythms: `daily`, and a watch `quarter-hourly`). */
  rhythm: Rhythm;
  /** For `weekly`: the day, 0 = Sunday … 6 = Saturday (cron's numbering); null otherwise. */
  weekday: number | null;
  /** Search query the papers must match; empty for all new papers. */
  query: string;
  /** Local time of day, `HH:MM`, in `tz`. */
  time: string;
  tz: string;
  /** Highest ingest sequence number already delivered (or there when the subscription began). */
  watermark: number;
  paused: boolean;
  /** Post "no new papers today" when there are none; always false for a watch checked every 15 minutes. */
  postEmpty: boolean;
  /** Papers ordered by taste, best first (the channel's; a watch's person's): `ranked` (docs/digests.md). */
  ranked: boolean;
  /**
   * The Slack team, Discord guild (`dm` outside one) or `terminal` it was made in, so a ranked digest finds its
   * channel's or person's taste; null for subscriptions made before it was kept.
   */
  space: string | null;
  createdBy: string | null;
  createdAt: string;
}

export type RunStatus = 'due' | 'sending' | 'sent' | 'skipped' | 'empty';

/** One ledger row: one digest of one subscription for one due time. */
export interface DigestRun {
  id: number;
  subscriptionId: number;
  dueAt: string;
  status: RunStatus;
  /** The papers this digest shows (at most 50), fixed when the row is made, so a resend sends the same ones. */
  paperIds: number[];
  /** How many more new papers matched than it shows (the watermark moves past them all the same). */
  more: number;
  /** A search (query language) that lists those more papers, when there are any. */
  moreSearch: string | null;
  /** Highest sequence number considered; the watermark moves here once the digest is sent. */
  toSeq: number;
  messageId: string | null;
  attempts: number;
  note: string | null;
  /** The runner holding the lease on this row (the last one, once the lease is released or has run out). */
  leaseOwner: string | null;
  /**
   * When the lease runs out (milliseconds since the epoch by the database's clock: PostgreSQL's `now()`; on SQLite
   * the one machine's clock); null when released.
   */
  leaseUntil: number | null;
}

/** Who claims a ledger row and for how long: the lease of the claim protocol (`docs/digests.md`). */
export interface Lease {
  owner: string;
  /**
   * The time the lease is counted from, in the database's clock (milliseconds). Runners leave it out: the store
   * times every lease by the database's own clock (PostgreSQL's `now()`; on SQLite, the one machine's clock), so
   * runners whose clocks disagree still agree on when a lease runs out. Tests set it to play out time.
   */
  now?: number;
  /** How long the lease lasts from `now`. */
  ms: number;
}

/** The lease owner of a row whose last post has an unknown outcome: nobody may claim it before its recheck time. */
export const OUTCOME_UNKNOWN = 'outcome-unknown';

/** A subscription to make; without a rhythm, a channel digest is daily and a watch checked every 15 minutes. */
export type NewSubscription = Omit<
  Subscription,
  'id' | 'paused' | 'createdAt' | 'rhythm' | 'weekday' | 'ranked' | 'space'
> &
  Partial<Pick<Subscription, 'rhythm' | 'weekday' | 'ranked' | 'space'>>;

/** The digest part of storage (subscriptions and the ledger). */
export interface DigestStore {
  addSubscription(input: NewSubscription, now: Date): Promise<Subscription>;
  listSubscriptions(filter?: { platform?: Platform; channel?: string }): Promise<Subscription[]>;
  getSubscription(id: number): Promise<Subscription | undefined>;
  setPaused(id: number, paused: boolean): Promise<boolean>;
  removeSubscription(id: number): Promise<boolean>;
  getRun(subscriptionId: number, dueAt: Date): Promise<DigestRun | undefined>;
  /** The subscription's oldest ledger row that is still `due` or `sending`, if any. */
  oldestUnfinished(subscriptionId: number): Promise<DigestRun | undefined>;
  /**
   * Makes the ledger row (as `due`, with its papers) for this due time, only if the subscription's watermark is
   * still `fromSeq`, it has no unfinished row and no row at or after `dueAt`: so papers are never in two rows.
   * Finished rows dated after `staleAfter` (more than a day past the database's clock) are stale and do not count.
   * Returns the new row, or undefined when another runner changed the subscription first (look again).
   */
  openRun(
    subscriptionId: number,
    dueAt: Date,
    papers: { fromSeq: number; toSeq: number; ids: number[]; more?: number; moreSearch?: string | null },
    now: Date,
    staleAfter?: Date,
  ): Promise<DigestRun | undefined>;
  /**
   * Compare-and-set: takes the lease on an unfinished row when it is free (never leased, released or run out)
   * or already this owner's. Returns the row as claimed, or undefined when another live runner holds it.
   */
  claimRun(runId: number, lease: Lease): Promise<DigestRun | undefined>;
  /** Extends this owner's lease; false when the row is no longer this owner's or no longer unfinished. */
  renewLease(runId: number, lease: Lease): Promise<boolean>;
  /** Ends this owner's lease early (after a failed attempt), so any runner may recover the row at once. */
  releaseLease(runId: number, owner: string): Promise<void>;
  /**
   * After a post whose outcome is unknown (a timeout, a connection cut after sending): the row stays `sending`
   * and held, by {@link OUTCOME_UNKNOWN} (so no runner, this one included, claims it) until `ms` from the
   * database's clock, with `note` saying why; false when this owner no longer held it.
   */
  holdForRecheck(runId: number, owner: string, ms: number, note: string): Promise<boolean>;
  /** The database's clock, in milliseconds since the epoch (PostgreSQL `now()`; on SQLite this machine's clock). */
  clock(): Promise<number>;
  /** Ledger rows dated after `after`, oldest first: of one subscription, or of all. */
  runsAfter(after: Date, subscriptionId?: number): Promise<DigestRun[]>;
  /**
   * Deletes finished rows (`sent`, `empty`, `skipped`) dated before `before`, and `empty` rows dated before
   * `emptyBefore`, but never a subscription's newest row. Returns how many went.
   */
  pruneRuns(before: Date, emptyBefore: Date): Promise<number>;
  /** Marks the row `sending` (one more attempt) if this owner still holds it. */
  markSending(runId: number, owner: string, now: Date): Promise<boolean>;
  /**
   * Records the platform's message id and moves the subscription's watermark, in one transaction, if this owner
   * still holds the row; false (nothing changed) otherwise.
   */
  markSent(runId: number, owner: string, messageId: string | null, now: Date): Promise<boolean>;
  /** Nothing to send: moves the watermark (status `empty`), if this owner still holds the row. */
  markEmpty(runId: number, owner: string, now: Date): Promise<boolean>;
  /** Too late to send: the papers stay new for the next digest (if this owner still holds the row). */
  markSkipped(runId: number, owner: string, note: string, now: Date): Promise<boolean>;
  /**
   * Ids of the announced papers first stored after `afterSeq`, up to `upToSeq`, newest first (by date, then by
   * sequence): the order of a digest without a query.
   */
  newPaperIds(afterSeq: number, upToSeq: number): Promise<number[]>;
}
