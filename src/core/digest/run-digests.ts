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
  const { store, digests, search, posters, now, log } = options;
  const outcomes: DigestOutcome[] = [];
  for (const subscription of digests.listSubscriptions()) {
    if (subscription.paused) continue;
    const poster = posters[subscription.platform];
    if (!poster) continue;
    const dueAt = lastDueAt(patternOf(subscription.kind, subscription.time), subscription.tz, now);
    if (!dueAt || dueAt.getTime() < Date.parse(subscription.createdAt)) continue;

    const known = digests.getRun(subscription.id, dueAt);
    if (known && known.status !== 'due' && known.status !== 'sending') continue;
    const run =
      known ??
      (() => {
        const pending = pendingPapers(subscription, { store, digests, search });
        return digests.openRun(subscription.id, dueAt, pending.toSeq, pending.ids, now);
      })();
    if (run.status !== 'due' && run.status !== 'sending') continue;

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
      outcomes.push({ ...base, status: 'skipped', papers: [] });
      continue;
    }
    if (papers.length === 0 && !subscription.postEmpty) {
      digests.markEmpty(run.id, now);
      continue;
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
      outcomes.push({ ...base, status: found !== undefined ? 'recovered' : papers.length ? 'sent' : 'empty' });
    } catch (error) {
      // Left as "sending": the next run looks it up on the platform before trying again.
      log(`digest ${ledgerId} failed: ${(error as Error).message}`);
      outcomes.push({ ...base, status: 'failed' });
    }
  }
  return outcomes;
}
