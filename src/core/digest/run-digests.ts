import { toPaperCard } from '../commands/paper-card.ts';
import type { PaperCard } from '../commands/reply.ts';
import type { Search } from '../search/search.ts';
import type { PaperStore } from '../store/paper-store.ts';
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
  status: 'sent' | 'empty' | 'skipped' | 'failed' | 'recovered';
  papers: { id: number; title: string }[];
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
}

export const ledgerIdOf = (run: DigestRun): string => `pb-digest-${run.id}`;

function headingOf(subscription: Subscription, count: number): string {
  const about = subscription.query ? ` on “${subscription.query}”` : '';
  if (count === 0) return `No new papers${about} today.`;
  return `${count} new paper${count === 1 ? '' : 's'}${about}`;
}

/** The papers a subscription would get now: new since its watermark and matching its query. */
export function pendingPapers(
  subscription: Subscription,
  deps: { store: PaperStore; digests: DigestStore; search: Search },
) {
  const toSeq = deps.store.maxSeq();
  const fresh = deps.digests.newPaperIds(subscription.watermark, toSeq);
  const ids = subscription.query ? deps.search.filterMatching(subscription.query, fresh) : fresh;
  return { toSeq, ids };
}

/**
 * Runs every digest that is due at `now`, exactly once: each is recorded in the ledger as due, then as being
 * sent, then as sent with the platform's message id. A digest found "sending" (the process died mid-post) is
 * first looked up on the platform by its ledger id and only posted again if it is not there.
 */
export async function runDueDigests(options: RunDigestsOptions): Promise<DigestOutcome[]> {
  const outcomes: DigestOutcome[] = [];
  for (const subscription of options.digests.listSubscriptions()) {
    const poster = options.posters[subscription.platform];
    if (subscription.paused || !poster) continue;
    try {
      const outcome = await runOne(subscription, poster, options);
      if (outcome) outcomes.push(outcome);
    } catch (error) {
      // One subscription's trouble (a platform that refuses, a query that no longer parses) never holds up the
      // others; its ledger row stays as it was and the next tick tries again.
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

/** The ledger row for the digest due now: the one already there, or a new one with its papers fixed. */
function runFor(
  subscription: Subscription,
  dueAt: Date,
  { store, digests, search, now }: RunDigestsOptions,
): DigestRun {
  const known = digests.getRun(subscription.id, dueAt);
  if (known) return known;
  const pending = pendingPapers(subscription, { store, digests, search });
  return digests.openRun(subscription.id, dueAt, pending.toSeq, pending.ids, now);
}

async function runOne(
  subscription: Subscription,
  poster: DigestPoster,
  options: RunDigestsOptions,
): Promise<DigestOutcome | undefined> {
  const { store, digests, now, log } = options;
  const dueAt = lastDueAt(patternOf(subscription.kind, subscription.time), subscription.tz, now);
  if (!dueAt || dueAt.getTime() < Date.parse(subscription.createdAt)) return undefined;
  const run = runFor(subscription, dueAt, options);
  if (run.status !== 'due' && run.status !== 'sending') return undefined;

  const papers = store.getPapers(run.paperIds);
  const base = {
    subscription: subscription.id,
    channel: subscription.channel,
    platform: subscription.platform,
    papers: papers.map((p) => ({ id: p.id, title: p.title })),
  };
  const lateMinutes = (now.getTime() - dueAt.getTime()) / 60_000;
  if (run.status === 'due' && lateMinutes > options.maxLateMinutes) {
    const note = `digest ${subscription.id} due ${dueAt.toISOString()} skipped: ${Math.round(lateMinutes)} min late (limit ${options.maxLateMinutes}); its papers stay new`;
    digests.markSkipped(run.id, note, now);
    log(note);
    return { ...base, status: 'skipped', papers: [] };
  }
  if (papers.length === 0 && !subscription.postEmpty) {
    digests.markEmpty(run.id, now);
    return undefined;
  }
  const ledgerId = ledgerIdOf(run);
  const delivery: DigestDelivery = {
    subscription,
    ledgerId,
    dueAt: dueAt.toISOString(),
    heading: headingOf(subscription, papers.length),
    cards: papers.map((paper) => toPaperCard({ paper, score: 0, matchedTerms: [], profiles: [] })),
  };
  digests.markSending(run.id, now);
  try {
    // A digest left "sending" died mid-post: if its summary is on the platform, only the rest of its
    // thread is posted, never the summary again.
    const found = run.status === 'sending' ? await poster.findPosted(subscription, ledgerId) : undefined;
    if (found !== undefined) {
      await poster.resume(delivery, found);
      log(`digest ${ledgerId} was already posted before a restart; not posting it again`);
    }
    const messageId = found !== undefined ? found : await poster.post(delivery);
    if (papers.length === 0) digests.markEmpty(run.id, now);
    else digests.markSent(run.id, messageId, now);
    return { ...base, status: found !== undefined ? 'recovered' : papers.length ? 'sent' : 'empty' };
  } catch (error) {
    // Left as "sending": the next run looks it up on the platform before trying again.
    log(`digest ${ledgerId} failed: ${(error as Error).message}`);
    return { ...base, status: 'failed' };
  }
}
