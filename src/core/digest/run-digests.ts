import { randomUUID } from 'node:crypto';
import { toPaperCard } from '../commands/paper-card.ts';
import type { PaperCard } from '../commands/reply.ts';
import { withFigures } from '../enrich/card-figures.ts';
import type { EnrichmentStore } from '../enrich/enrichment-store.ts';
import { isPaperboyError } from '../errors.ts';
import type { Search } from '../search/search.ts';
import { type BusyRetryOptions, whenNotBusy } from '../store/busy.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { DIGEST_LEASE_MS, holdLease, leaseLost, type Runner } from './digest-lease.ts';
import { type DigestSelection, selectDigestPapers } from './digest-selection.ts';
import type { DigestRun, DigestStore, Platform, Subscription } from './digest-store.ts';
import { lastDueAt, patternOf } from './schedule.ts';

/** One digest ready to post: a summary and its cards. */
export interface DigestDelivery {
  subscription: Subscription;
  /** Carried in every message of the digest, so a resend can first look for it on the platform. */
  ledgerId: string;
  dueAt: string;
  heading: string;
  cards: PaperCard[];
  /**
   * When more papers were new than a digest shows (50): how many, the search that lists them, and the line
   * that says so, which posters put at the end of the summary.
   */
  more?: { count: number; search: string; text: string };
  /**
   * Posters call this after each message they post: it renews this runner's lease on the digest, and throws
   * (code `lease_lost`) when another runner has taken it over, so that the poster stops posting.
   */
  keepLease?: () => Promise<void>;
}

/** How a platform posts digests and finds one it may already have posted. */
export interface DigestPoster {
  /** Posts the summary and the cards (in a thread or as follow-ups); returns the summary's message id. */
  post(delivery: DigestDelivery): Promise<string | null>;
  /** The id of a message already carrying `ledgerId` in the channel's recent messages, if any. */
  findPosted(subscription: Subscription, ledgerId: string): Promise<string | null | undefined>;
  /** Completes a digest whose summary (`messageId`) is posted: posts the part of its thread that is missing. */
  resume(delivery: DigestDelivery, messageId: string | null): Promise<void>;
}

export interface DigestOutcome {
  subscription: number;
  channel: string;
  platform: Platform;
  /** `busy`: another live runner holds the digest (or took it over), so this one left it alone. */
  status: 'sent' | 'empty' | 'skipped' | 'failed' | 'recovered' | 'busy';
  papers: { id: number; title: string }[];
  /** New papers the digest counted but did not show (it shows at most 50); only when there were any. */
  more?: number;
  message?: string;
}

export interface RunDigestsOptions {
  store: PaperStore;
  digests: DigestStore;
  search: Search;
  posters: Partial<Record<Platform, DigestPoster>>;
  now: Date;
  /** How late a digest may still go out; later ones are skipped (their papers stay new). */
  maxLateMinutes: number;
  log: (line: string) => void;
  /** Names this runner in the leases it takes (default: a new random name per call). */
  owner?: string;
  /** How long a claim on a digest lasts unless renewed (default {@link DIGEST_LEASE_MS}, 2 minutes). */
  leaseMs?: number;
  /**
   * The wall clock that times leases, in milliseconds (default `Date.now`): shared by every runner on the
   * database, whatever `now` says (`digest run --now` may put `now` anywhere).
   */
  clock?: () => number;
  /**
   * How each ledger write waits for another process's write lock (an import), on a timer (default: up to
   * {@link LEDGER_BUSY_WAIT_MS}). A write after a post must not be lost to a busy database: the digest would be
   * recovered, and a terminal, which keeps no history, would print it again.
   */
  busy?: BusyRetryOptions;
  /** Figures fetched from OpenAlex and Semantic Scholar, put on the cards as stored (citations, TL;DR). */
  figures?: Pick<EnrichmentStore, 'figuresOf'> | undefined;
}

/** How long one ledger write waits in all for the database's write lock, well inside the 2-minute lease. */
export const LEDGER_BUSY_WAIT_MS = 30_000;

/** Cards with their stored figures; figures that cannot be read leave the cards as they are (the digest goes out). */
async function cardsWithFigures(
  cards: PaperCard[],
  figures: Pick<EnrichmentStore, 'figuresOf'> | undefined,
): Promise<PaperCard[]> {
  if (!figures) return cards;
  return withFigures(cards, figures).catch(() => cards);
}

export const ledgerIdOf = (run: DigestRun): string => `pb-digest-${run.id}`;

function headingOf(subscription: Subscription, count: number): string {
  const about = subscription.query ? ` on “${subscription.query}”` : '';
  const since = subscription.rhythm === 'weekly' ? 'this week' : 'today';
  if (count === 0) return `No new papers${about} ${since}.`;
  return `${count} new paper${count === 1 ? '' : 's'}${about}`;
}

/** The line that ends a digest cut short: how many papers it leaves out and how to find them. */
export const moreLine = (more: number, search: string): string =>
  `…and ${more} more new paper${more === 1 ? '' : 's'}: /paper ${search}`;

/**
 * The papers a subscription would get now: announced papers new since its watermark and matching its query, at
 * most 50 (best matches first for a query, newest first otherwise), with how many more there are.
 */
export function pendingPapers(
  subscription: Subscription,
  deps: { store: PaperStore; digests: DigestStore; search: Search },
): Promise<DigestSelection> {
  return selectDigestPapers(subscription, deps);
}

/**
 * Runs every digest that is due at `now`, exactly once, however many runners share the database (the claim
 * protocol of `docs/digests.md`). Each digest is a ledger row: made `due` with its papers fixed, taken by a
 * compare-and-set lease, marked `sending`, then `sent` with the platform's message id. A row another live
 * runner holds is left alone; a row whose runner died (its lease ran out) is recovered: looked up on the
 * platform by its ledger id, completed if found, posted only if not. A subscription's unfinished rows are all
 * recovered, oldest first, before a newer one is made.
 */
export async function runDueDigests(options: RunDigestsOptions): Promise<DigestOutcome[]> {
  const runner: Runner = {
    owner: options.owner ?? `runner-${randomUUID()}`,
    leaseMs: options.leaseMs ?? DIGEST_LEASE_MS,
    clock: options.clock ?? Date.now,
  };
  const outcomes: DigestOutcome[] = [];
  for (const subscription of await options.digests.listSubscriptions()) {
    const poster = options.posters[subscription.platform];
    if (subscription.paused || !poster) continue;
    try {
      outcomes.push(...(await runSubscription(subscription, poster, options, runner)));
    } catch (error) {
      // One subscription's trouble (a platform that refuses, a query that no longer parses, a busy database)
      // never holds up the others; its ledger row stays as it was and the next tick tries again.
      options.log(`digest ${subscription.id} failed: ${(error as Error).message}`);
      outcomes.push({
        subscription: subscription.id,
        channel: subscription.channel,
        platform: subscription.platform,
        status: 'failed',
        papers: [],
      });
    }
  }
  return outcomes;
}

/**
 * Brings one subscription up to date: first every unfinished row, oldest first (a crash may have left one from
 * any earlier day), then the row due now. It stops at the first row it cannot finish, so a newer digest never
 * starts from a watermark that an older one has yet to move (its papers would go out twice).
 */
async function runSubscription(
  subscription: Subscription,
  poster: DigestPoster,
  options: RunDigestsOptions,
  runner: Runner,
): Promise<DigestOutcome[]> {
  const { digests, now } = options;
  const dueAt = lastDueAt(patternOf(subscription), subscription.tz, now);
  if (!dueAt || dueAt.getTime() < Date.parse(subscription.createdAt)) return [];
  const outcomes: DigestOutcome[] = [];
  let opened = false;
  for (;;) {
    const open = await digests.oldestUnfinished(subscription.id);
    if (open) {
      // Made by a runner whose clock is ahead of this one's: not due here yet.
      if (Date.parse(open.dueAt) > dueAt.getTime()) break;
      const { outcome, finished } = await deliverRun(open, subscription, poster, options, runner);
      if (outcome) outcomes.push(outcome);
      if (!finished) break;
      continue;
    }
    // One try at making today's row: refused, another runner made it or moved the subscription on first.
    if (opened || (await digests.getRun(subscription.id, dueAt))) break;
    opened = true;
    const current = await digests.getSubscription(subscription.id);
    if (!current) break;
    const pending = await pendingPapers(current, options);
    await ledgerWrite(options, () =>
      digests.openRun(subscription.id, dueAt, { fromSeq: current.watermark, ...pending }, now),
    );
  }
  return outcomes;
}

/** A ledger write that waits out another process's write lock on a timer (the event loop stays free). */
const ledgerWrite = <T>(options: RunDigestsOptions, write: () => Promise<T>): Promise<T> =>
  whenNotBusy(write, options.busy ?? { maxWaitMs: LEDGER_BUSY_WAIT_MS });

/** Claims one unfinished row and finishes it: skipped, empty, posted, or recovered from the platform. */
async function deliverRun(
  run: DigestRun,
  subscription: Subscription,
  poster: DigestPoster,
  options: RunDigestsOptions,
  runner: Runner,
): Promise<{ outcome?: DigestOutcome; finished: boolean }> {
  const { store, digests, now, log } = options;
  const ledgerId = ledgerIdOf(run);
  const common = { subscription: subscription.id, channel: subscription.channel, platform: subscription.platform };
  const claimed = await ledgerWrite(options, () =>
    digests.claimRun(run.id, { owner: runner.owner, now: runner.clock(), ms: runner.leaseMs }),
  );
  if (!claimed) {
    const until = run.leaseUntil === null ? 'now' : new Date(run.leaseUntil).toISOString();
    log(`digest ${ledgerId} is being sent by another runner (lease until ${until}); leaving it to that runner`);
    return { outcome: { ...common, status: 'busy', papers: [] }, finished: false };
  }

  const papers = await store.getPapers(claimed.paperIds);
  const base = {
    ...common,
    papers: papers.map((p) => ({ id: p.id, title: p.title })),
    ...(claimed.more > 0 ? { more: claimed.more } : {}),
  };
  const dueAt = new Date(claimed.dueAt);
  const lateMinutes = (now.getTime() - dueAt.getTime()) / 60_000;
  const tooLate = lateMinutes > options.maxLateMinutes;
  const skip = async (why: string) => {
    const note = `digest ${subscription.id} due ${claimed.dueAt} skipped: ${why}${Math.round(lateMinutes)} min late (limit ${options.maxLateMinutes}); its papers stay new`;
    log(note);
    return {
      outcome: { ...common, status: 'skipped' as const, papers: [] },
      finished: await ledgerWrite(options, () => digests.markSkipped(claimed.id, runner.owner, note, now)),
    };
  };
  if (claimed.status === 'due' && tooLate) return skip('');
  if (papers.length === 0 && !subscription.postEmpty) {
    return { finished: await ledgerWrite(options, () => digests.markEmpty(claimed.id, runner.owner, now)) };
  }

  const lease = holdLease(digests, claimed.id, runner, claimed.leaseUntil ?? undefined);
  const delivery: DigestDelivery = {
    subscription,
    ledgerId,
    dueAt: claimed.dueAt,
    heading: headingOf(subscription, papers.length + claimed.more),
    cards: await cardsWithFigures(
      papers.map((paper) => toPaperCard({ paper, score: 0, matchedTerms: [], profiles: [] })),
      options.figures,
    ),
    ...(claimed.more > 0 && claimed.moreSearch
      ? {
          more: {
            count: claimed.more,
            search: claimed.moreSearch,
            text: moreLine(claimed.more, claimed.moreSearch),
          },
        }
      : {}),
    keepLease: () => lease.keep(),
  };
  try {
    if (!(await ledgerWrite(options, () => digests.markSending(claimed.id, runner.owner, now)))) {
      throw leaseLost(claimed.id, runner);
    }
    // A row left "sending" died mid-post (or its post failed): if its summary is on the platform, only the
    // rest of its thread is posted, never the summary again.
    const found = claimed.status === 'sending' ? await poster.findPosted(subscription, ledgerId) : undefined;
    await lease.keep();
    if (found === undefined && claimed.status === 'sending' && tooLate) return await skip('not on the platform and ');
    if (found !== undefined) {
      await poster.resume(delivery, found);
      log(`digest ${ledgerId} was already posted before a restart; not posting it again`);
    }
    const messageId = found !== undefined ? found : await poster.post(delivery);
    // Posted: waiting out a busy database here is what keeps the digest from being recovered (and a terminal
    // digest from being printed twice).
    const closed = await ledgerWrite(options, () =>
      papers.length === 0
        ? digests.markEmpty(claimed.id, runner.owner, now)
        : digests.markSent(claimed.id, runner.owner, messageId, now),
    );
    if (!closed) throw leaseLost(claimed.id, runner);
    return {
      outcome: { ...base, status: found !== undefined ? 'recovered' : papers.length ? 'sent' : 'empty' },
      finished: true,
    };
  } catch (error) {
    if (isPaperboyError(error, 'lease_lost')) {
      log(error.message);
      return { outcome: { ...base, status: 'busy' }, finished: false };
    }
    // Left "sending", lease released: the next attempt, by any runner, looks on the platform before posting.
    log(`digest ${ledgerId} failed: ${(error as Error).message}`);
    try {
      await ledgerWrite(options, () => digests.releaseLease(claimed.id, runner.owner));
    } catch {
      // The database stayed busy: the lease runs out by itself.
    }
    return { outcome: { ...base, status: 'failed' }, finished: false };
  } finally {
    lease.stop();
  }
}
