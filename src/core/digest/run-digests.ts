import { randomUUID } from 'node:crypto';
import { toPaperCard } from '../commands/paper-card.ts';
import type { PaperCard } from '../commands/reply.ts';
import { withFigures } from '../enrich/card-figures.ts';
import type { EnrichmentStore } from '../enrich/enrichment-store.ts';
import { isPaperboyError } from '../errors.ts';
import type { TasteStore } from '../foryou/taste-store.ts';
import type { Search } from '../search/search.ts';
import { type BusyRetryOptions, whenNotBusy } from '../store/busy.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import { DIGEST_LEASE_MS, holdLease, leaseLost, type Runner } from './digest-lease.ts';
import { type DigestSelection, selectDigestPapers } from './digest-selection.ts';
import type { DigestRun, DigestStore, Platform, Subscription } from './digest-store.ts';
import { pruneLedger } from './ledger-pruning.ts';
import { digestTaste, rankIds, unrankedNote, whyOfPapers } from './ranked-digest.ts';
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
  /**
   * `busy`: another live runner holds the digest (or took it over), so this one left it alone.
   * `outcome_unknown`: a post timed out or its connection was cut after sending; the digest stays held and the
   * platform is looked at again after {@link DIGEST_RECHECK_MS} before anything is sent again.
   * `blocked_by_future_run`: a ledger row dated after this run's due time (`blockedBy`) holds the subscription.
   * `clock_skew`: this machine's clock is more than {@link MAX_CLOCK_SKEW_MS} off the database's; nothing claimed.
   * `paused`: the platform said the channel or person is gone for good; the subscription was paused.
   */
  status:
    | 'sent'
    | 'empty'
    | 'skipped'
    | 'failed'
    | 'recovered'
    | 'busy'
    | 'outcome_unknown'
    | 'blocked_by_future_run'
    | 'clock_skew'
    | 'paused';
  papers: { id: number; title: string }[];
  /** New papers the digest counted but did not show (it shows at most 50); only when there were any. */
  more?: number;
  /** For `blocked_by_future_run`: the due time (ISO) of the ledger row that blocks the subscription. */
  blockedBy?: string;
  message?: string;
}

/** The statuses of a digest that did not go out as it should have: `digest run` exits 1 on any of them. */
export const UNSENT_STATUSES: readonly DigestOutcome['status'][] = [
  'failed',
  'outcome_unknown',
  'clock_skew',
  'paused',
];

/**
 * A runner whose system clock is further than this from the database's claims nothing: it logs the gap. Leases are
 * timed by the database's clock whatever the runner's says, but the runner's clock still decides what is due
 * (without `--now`), so a runner far ahead would make tomorrow's digest today.
 */
export const MAX_CLOCK_SKEW_MS = 30_000;

/**
 * How long a digest whose post has an unknown outcome (a timeout, a connection cut after sending) stays held
 * before the platform's history is looked at again. Slack has been seen recording a message 45 s after the
 * request (15 s past its client's 30 s timeout); the delay counts from the failure, which comes at the client's
 * timeout (Slack 30 s, Discord 15 s) or later, so the history is read at least 2.5 minutes after the request.
 */
export const DIGEST_RECHECK_MS = 2 * 60_000;

/** Rows dated more than this past the database's clock are stale to a runner on the real clock (no `--now`). */
export const STALE_ROW_MS = 24 * 60 * 60_000;

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
   * This machine's system clock, in milliseconds (default `Date.now`), whatever `now` says (`digest run --now`
   * may put `now` anywhere). Leases are timed by the database's clock; this one is compared with it, and a runner
   * more than {@link MAX_CLOCK_SKEW_MS} off claims nothing.
   */
  clock?: () => number;
  /**
   * True when `now` is the real time (`start`, `digest run` without `--now`): ledger rows dated more than
   * {@link STALE_ROW_MS} past the database's clock are then stale (a slip of `--now`), and never block.
   */
  realTime?: boolean;
  /** How long a digest with an unknown outcome is held before its platform is looked at again. */
  recheckMs?: number;
  /**
   * How each ledger write waits for another process's write lock (an import), on a timer (default: up to
   * {@link LEDGER_BUSY_WAIT_MS}). A write after a post must not be lost to a busy database: the digest would be
   * recovered, and a terminal, which keeps no history, would print it again.
   */
  busy?: BusyRetryOptions;
  /** Figures fetched from OpenAlex and Semantic Scholar, put on the cards as stored (citations, TL;DR). */
  figures?: Pick<EnrichmentStore, 'figuresOf'> | undefined;
  /**
   * Taste signals and text features: a `ranked` subscription's papers are ordered by its channel's (a watch's
   * person's) taste, each card with its `why`. Without it, ranked subscriptions keep their usual order.
   */
  taste?: TasteStore | undefined;
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
  const dbNow = await options.digests.clock();
  const skew = runner.clock() - dbNow;
  const active = (await options.digests.listSubscriptions()).filter((s) => !s.paused && options.posters[s.platform]);
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    options.log(
      `paperboy clock_skew: this machine's clock is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} the database's (${new Date(dbNow).toISOString()}), more than the ${MAX_CLOCK_SKEW_MS / 1000} s a digest runner may be off; it claims no digest until the clocks agree. Synchronise this machine's clock (NTP).`,
    );
    return active.map((s) => ({
      subscription: s.id,
      channel: s.channel,
      platform: s.platform,
      status: 'clock_skew' as const,
      papers: [],
    }));
  }
  // Old rows go by the database's clock; a run at a chosen time (`--now`) leaves the ledger's history alone.
  if (options.realTime) await pruneLedger(options.digests, dbNow, options.log);
  const plan: Plan = {
    maxSeq: await options.store.maxSeq(),
    staleAfter: options.realTime ? new Date(dbNow + STALE_ROW_MS) : undefined,
  };
  for (const subscription of active) {
    // One subscription at a time, the event loop free in between: thousands of subscriptions never hold up chat.
    await new Promise((resolve) => setImmediate(resolve));
    // Read after the pause: a platform that went away meanwhile (a runner told to stop) takes no further digest.
    const poster = options.posters[subscription.platform];
    if (!poster) continue;
    try {
      outcomes.push(...(await runSubscription(subscription, poster, options, runner, plan)));
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

/** What every subscription of one run shares. */
interface Plan {
  /** The highest sequence number stored when the run began: a subscription at it has nothing new to plan. */
  maxSeq: number;
  /** Rows dated after this are stale (a runner on the real clock only). */
  staleAfter: Date | undefined;
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
  plan: Plan,
): Promise<DigestOutcome[]> {
  const { digests, now } = options;
  const dueAt = lastDueAt(patternOf(subscription), subscription.tz, now);
  if (!dueAt || dueAt.getTime() < Date.parse(subscription.createdAt)) return [];
  const outcomes: DigestOutcome[] = [];
  const stale = (run: DigestRun) => plan.staleAfter !== undefined && Date.parse(run.dueAt) > plan.staleAfter.getTime();
  let opened = false;
  for (;;) {
    const open = await digests.oldestUnfinished(subscription.id);
    if (open) {
      // Dated after this run's due time (a runner whose `--now` is ahead made it): it holds the subscription
      // until then, and says so. A stale one (more than a day past the database's clock) is sent now instead.
      if (Date.parse(open.dueAt) > dueAt.getTime() && !stale(open)) {
        outcomes.push(blocked(subscription, open, dueAt, options));
        break;
      }
      const { outcome, finished } = await deliverRun(open, subscription, poster, options, runner);
      if (outcome) outcomes.push(outcome);
      if (!finished) break;
      continue;
    }
    // One try at making today's row: refused, another runner made it or moved the subscription on first.
    if (opened || (await digests.getRun(subscription.id, dueAt))) break;
    // A finished row dated after this due time refuses the new row (papers are never in two rows): say so.
    const later = (await digests.runsAfter(dueAt, subscription.id)).filter((run) => !stale(run)).at(-1);
    if (later) {
      outcomes.push(blocked(subscription, later, dueAt, options));
      break;
    }
    opened = true;
    const current = await digests.getSubscription(subscription.id);
    if (!current) break;
    // Nothing stored since its watermark: no search to run, the row is empty.
    const pending =
      current.watermark >= plan.maxSeq
        ? { toSeq: current.watermark, ids: [], more: 0, moreSearch: null }
        : await pendingPapers(current, options);
    // Ranked: the row keeps the papers best first for the taste of now, so a resend sends the same order.
    if (current.ranked && options.taste && pending.ids.length > 1) {
      const deps = { store: options.store, taste: options.taste };
      try {
        const taste = await digestTaste(current, deps);
        if ('learned' in taste) pending.ids = await rankIds(deps, taste.learned, pending.ids);
      } catch (error) {
        // A taste that cannot be read leaves the usual order: the digest still goes out.
        options.log(`digest ${current.id}: taste not read (${(error as Error).message}); usual order`);
      }
    }
    await ledgerWrite(options, () =>
      digests.openRun(subscription.id, dueAt, { fromSeq: current.watermark, ...pending }, now, plan.staleAfter),
    );
  }
  return outcomes;
}

/** The outcome (and log line) of a subscription held by a ledger row dated after this run's due time. */
function blocked(subscription: Subscription, run: DigestRun, dueAt: Date, options: RunDigestsOptions): DigestOutcome {
  const message =
    `digest ${subscription.id} is blocked by its ledger row pb-digest-${run.id} dated ${run.dueAt}, after this run's due time ${dueAt.toISOString()} ` +
    `(a run with --now ahead of the clock made it): nothing is sent until then. ` +
    (options.realTime
      ? `It is less than a day ahead of the database's clock; later it is stale and ignored.`
      : `Without --now, rows more than a day past the database's clock are stale and ignored.`);
  options.log(message);
  return {
    subscription: subscription.id,
    channel: subscription.channel,
    platform: subscription.platform,
    status: 'blocked_by_future_run',
    papers: [],
    blockedBy: run.dueAt,
    message,
  };
}

/** A ledger write that waits out another process's write lock on a timer (the event loop stays free). */
const ledgerWrite = <T>(options: RunDigestsOptions, write: () => Promise<T>): Promise<T> =>
  whenNotBusy(write, options.busy ?? { maxWaitMs: LEDGER_BUSY_WAIT_MS });

/**
 * A ranked digest's cards' `why` lines (its papers are already best first in the row), or, when its taste has too
 * few positives to learn from, the line that says it keeps its usual order. Nothing for an unranked digest; a
 * taste that cannot be read leaves the digest as it is (it goes out).
 */
async function rankingOf(
  subscription: Subscription,
  papers: readonly StoredPaper[],
  options: RunDigestsOptions,
): Promise<{ why?: Map<number, string[]>; note?: string } | undefined> {
  if (!subscription.ranked || !options.taste || papers.length === 0) return undefined;
  const deps = { store: options.store, taste: options.taste };
  try {
    const taste = await digestTaste(subscription, deps);
    if (!('learned' in taste)) return { note: unrankedNote(subscription, taste.positives) };
    return { why: await whyOfPapers(deps, taste.learned, papers) };
  } catch (error) {
    options.log(`digest ${subscription.id}: taste not read (${(error as Error).message}); sent without why lines`);
    return undefined;
  }
}

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
  // The lease is timed by the database's clock (the store's), never this runner's.
  const claimedAt = runner.clock();
  const claimed = await ledgerWrite(options, () =>
    digests.claimRun(run.id, { owner: runner.owner, ms: runner.leaseMs }),
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

  const ranking = await rankingOf(subscription, papers, options);
  const lease = holdLease(digests, claimed.id, runner, claimedAt + runner.leaseMs);
  const delivery: DigestDelivery = {
    subscription,
    ledgerId,
    dueAt: claimed.dueAt,
    heading: ranking?.note
      ? `${headingOf(subscription, papers.length + claimed.more)}. ${ranking.note}`
      : headingOf(subscription, papers.length + claimed.more),
    cards: await cardsWithFigures(
      papers.map((paper) => {
        const card = toPaperCard({ paper, score: 0, matchedTerms: [], profiles: [] });
        const why = ranking?.why?.get(paper.id);
        return why?.length ? { ...card, why } : card;
      }),
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
  // Set once a request that may post has gone out: a failure after it may have reached the platform.
  let posting = false;
  try {
    if (!(await ledgerWrite(options, () => digests.markSending(claimed.id, runner.owner, now)))) {
      throw leaseLost(claimed.id, runner);
    }
    // A row left "sending" died mid-post (or its post failed): if its summary is on the platform, only the
    // rest of its thread is posted, never the summary again.
    const found = claimed.status === 'sending' ? await poster.findPosted(subscription, ledgerId) : undefined;
    await lease.keep();
    if (found === undefined && claimed.status === 'sending' && tooLate) return await skip('not on the platform and ');
    posting = true;
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
    lease.stop();
    if (isPaperboyError(error, 'channel_gone')) {
      // Permanent: the channel or person is gone (the platform recorded nothing). Retrying every minute until
      // the digest is too late, and holding the subscription's later digests meanwhile, helps nobody: its papers
      // stay new, the subscription is paused, and `/digest resume` starts it again once the channel is back.
      const note = `digest ${subscription.id} paused: ${error.message}; its papers stay new. /digest resume ${subscription.id} starts it again.`;
      log(note);
      const closed = await ledgerWrite(options, () => digests.markSkipped(claimed.id, runner.owner, note, now));
      if (closed) await ledgerWrite(options, () => digests.setPaused(subscription.id, true));
      return { outcome: { ...base, status: 'paused', papers: [], message: note }, finished: closed };
    }
    if (posting && !isPaperboyError(error, 'platform_refused')) {
      // Unknown: the platform may record the post later (Slack has, 45 s after the request). The row stays
      // "sending" and held for the recheck delay; then any runner looks on the platform before posting again.
      const recheckMs = options.recheckMs ?? DIGEST_RECHECK_MS;
      const note = `outcome unknown (${(error as Error).message}); the platform is looked at again after ${Math.round(recheckMs / 1000)} s`;
      log(`digest ${ledgerId}: ${note}`);
      try {
        await ledgerWrite(options, () => digests.holdForRecheck(claimed.id, runner.owner, recheckMs, note));
      } catch {
        // The database stayed busy: the lease runs out by itself, later than the recheck delay.
      }
      return { outcome: { ...base, status: 'outcome_unknown', message: note }, finished: false };
    }
    // Refused (nothing recorded) or failed before posting: left "sending", lease released, so the next attempt,
    // by any runner, looks on the platform before posting.
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
