import { lookupAuthor } from '../authors/author-lookup.ts';
import type { DigestStore, Platform, Subscription } from '../digest/digest-store.ts';
import { findIdentical, type SubscriptionShape } from '../digest/identical-subscription.ts';
import { pendingPapers } from '../digest/run-digests.ts';
import { describeRhythm, nextDueAt, patternOf } from '../digest/schedule.ts';
import { subscriptionCapReached } from '../digest/subscription-limits.ts';
import { parseQuery, type SearchQuery } from '../search/query-parser.ts';
import type { Search } from '../search/search.ts';
import { toAuthorKey } from '../store/author-index.ts';
import { isDatabaseBusy } from '../store/busy.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { toPaperCard } from './paper-card.ts';
import type { Reply } from './reply.ts';
import { parseSubscribe } from './subscribe-grammar.ts';

/** Who is asking, and where: digests belong to a channel (the terminal's is `terminal`). */
export interface ChatContext {
  platform: Platform;
  channel: string;
  user: string;
  /** Slack team id, Discord guild id (`dm` outside one); the terminal's is `terminal`. */
  space?: string;
}

export const TERMINAL_CONTEXT: ChatContext = { platform: 'terminal', channel: 'terminal', user: 'terminal' };

export interface DigestDeps {
  store: PaperStore;
  digests: DigestStore;
  search: Search;
  clock: () => Date;
  /** Time zone when `tz` is not given (`PAPERBOY_TZ`). */
  defaultTz: string;
}

const USAGE =
  'Use /digest subscribe [QUERY] [daily|weekdays|weekly DAY] [at HH:MM] [tz Area/City] [empty] [ranked] (options after the query; quote a word to keep it in the query), /digest list, /digest preview ID, /digest pause ID, /digest resume ID, /digest unsubscribe ID, or /digest watch QUERY [daily|weekdays|weekly DAY] [at HH:MM] [tz Area/City] [ranked].';

/** A query that typed something but asks for nothing (`???`): it would match every paper. */
const asksNothing = (q: SearchQuery) =>
  q.terms.length + q.phrases.length + q.excluded.length + q.authors.length + q.categories.length === 0 &&
  q.affiliations.length === 0 &&
  q.from === undefined &&
  q.to === undefined &&
  q.hasCode === undefined &&
  q.minCitations === undefined;

const describe = (s: Subscription, now: Date) => {
  const next = nextDueAt(patternOf(s), s.tz, now);
  const what = s.query ? `“${s.query}”` : 'all new papers';
  const zone = s.rhythm === 'quarter-hourly' ? '' : ` ${s.tz}`;
  const when = `${s.kind === 'watch' ? 'direct message ' : ''}${describeRhythm(s)}${zone}`;
  const state = s.paused ? ' (paused)' : next ? ` · next ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  const empty = s.postEmpty ? ' · also on days with no new papers' : '';
  const ranked = s.ranked ? ` · ranked by ${s.kind === 'watch' ? 'your' : "this channel's"} taste` : '';
  return `#${s.id} ${what} · ${when}${empty}${ranked}${state}`;
};

/**
 * `/digest …`: subscribe a channel to a digest (daily, on weekdays or weekly), watch a query by direct message,
 * and manage them.
 * Only this channel's subscriptions can be seen or changed from it.
 */
export async function runDigestCommand(args: string, context: ChatContext, deps: DigestDeps): Promise<Reply> {
  try {
    return await digestCommand(args, context, deps);
  } catch (error) {
    // The bot waits only briefly for another process's write lock: say so, rather than fail or stall the chat.
    if (!isDatabaseBusy(error)) throw error;
    return {
      kind: 'error',
      code: 'database_busy',
      message:
        'The database is busy: another process is writing to it (an import, perhaps). Nothing was changed; please try again in a minute.',
    };
  }
}

async function digestCommand(args: string, context: ChatContext, deps: DigestDeps): Promise<Reply> {
  const [verb = '', ...rest] = args.trim().split(/\s+/);
  const tail = args.trim().slice(verb.length).trim();
  const now = deps.clock();
  const own = async (id: number) => {
    const s = await deps.digests.getSubscription(id);
    const mine =
      s &&
      s.platform === context.platform &&
      (s.channel === context.channel || (s.kind === 'watch' && s.channel === context.user));
    return mine ? s : undefined;
  };
  const id = Number(rest[0]?.replace(/^#/, ''));
  const target = Number.isInteger(id) ? await own(id) : undefined;
  const notFound: Reply = {
    kind: 'error',
    code: 'not_found',
    message: `No digest #${rest[0] ?? ''} in this channel. /digest list shows them.`,
  };

  switch (verb.toLowerCase()) {
    case 'follow':
      return follow(tail, context, deps);
    case 'unfollow':
      return unfollow(tail, context, deps);
    case 'subscribe':
    case 'watch': {
      const watch = verb.toLowerCase() === 'watch';
      const {
        query,
        time = '09:00',
        tz = deps.defaultTz,
        postEmpty,
        ranked,
        given,
        rhythm,
        weekday,
      } = parseSubscribe(tail);
      if (watch && !query)
        return {
          kind: 'error',
          code: 'invalid_query',
          message: 'A watch needs a query, like /digest watch reward hacking.',
        };
      // A watch without a rhythm is checked every 15 minutes: it has no time of day and no "empty" days.
      if (watch && !rhythm && postEmpty)
        return {
          kind: 'error',
          code: 'invalid_query',
          message: `A watch cannot take "empty": watches are checked every 15 minutes and write only when new papers match, so "empty" would send "No new papers" up to 96 times a day. Leave it out (/digest watch ${query}), give the watch a rhythm (/digest watch ${query} weekly mon empty), or use /digest subscribe ${query} empty for a daily digest that also posts empty days.`,
        };
      const timed = given.filter((word) => word === 'at' || word === 'tz');
      if (watch && !rhythm && timed.length)
        return {
          kind: 'error',
          code: 'invalid_query',
          message: `A watch has no time of day: it is checked every 15 minutes and writes as soon as new papers match, so "${timed.join('" and "')}" would be ignored. Leave ${timed.length > 1 ? 'them' : 'it'} out (/digest watch ${query}), give the watch a rhythm (/digest watch ${query} daily at 09:00), or use /digest subscribe ${query} at HH:MM for a daily digest in this channel.`,
        };
      if (query && asksNothing(parseQuery(query)))
        return {
          kind: 'error',
          code: 'invalid_query',
          message: `"${query}" has no word or filter to match, so it would send every new paper. Give words (/digest ${watch ? 'watch' : 'subscribe'} reward hacking), or leave the query out for all new papers.`,
        };
      const shape: SubscriptionShape = {
        platform: context.platform,
        channel: watch ? context.user : context.channel,
        kind: watch ? 'watch' : 'channel',
        rhythm: rhythm ?? (watch ? 'quarter-hourly' : 'daily'),
        weekday: weekday ?? null,
        query,
        time,
        tz,
        postEmpty,
      };
      const same = findIdentical(
        await deps.digests.listSubscriptions({ platform: shape.platform, channel: shape.channel }),
        shape,
      );
      if (same)
        return {
          kind: 'error',
          code: 'invalid_query',
          message: `This ${watch ? 'watch' : 'digest'} exists already: ${describe(same, now)}. A second one would post everything twice${same.paused ? `; /digest resume ${same.id} turns it back on` : ''}.`,
        };
      const capped = await subscriptionCapReached(deps.digests, {
        platform: context.platform,
        channel: watch ? context.user : context.channel,
        kind: watch ? 'watch' : 'channel',
      });
      if (capped) return { kind: 'error', code: 'limit_reached', message: capped };
      const subscription = await deps.digests.addSubscription(
        {
          ...shape,
          ranked,
          space: context.space ?? (context.platform === 'terminal' ? 'terminal' : 'dm'),
          watermark: await deps.store.maxSeq(),
          createdBy: context.user,
        },
        now,
      );
      const lead = watch ? 'Watching' : 'Subscribed';
      return { kind: 'notice', text: `${lead}: ${describe(subscription, now)}. Papers already indexed are not new.` };
    }
    case 'list': {
      const mine = (await deps.digests.listSubscriptions({ platform: context.platform })).filter(
        (s) => s.channel === context.channel || (s.kind === 'watch' && s.channel === context.user),
      );
      if (mine.length === 0) return { kind: 'notice', text: `No digests here yet. ${USAGE}` };
      return { kind: 'notice', text: `Digests here:\n${mine.map((s) => describe(s, now)).join('\n')}` };
    }
    case 'unsubscribe':
    case 'remove': {
      if (!target) return notFound;
      await deps.digests.removeSubscription(target.id);
      return { kind: 'notice', text: `Removed digest #${target.id}.` };
    }
    case 'pause':
    case 'resume': {
      if (!target) return notFound;
      await deps.digests.setPaused(target.id, verb.toLowerCase() === 'pause');
      return { kind: 'notice', text: `${verb.toLowerCase() === 'pause' ? 'Paused' : 'Resumed'} digest #${target.id}.` };
    }
    case 'preview': {
      if (!target) return notFound;
      const subscription = target;
      const { ids, more } = await pendingPapers(subscription, deps);
      const papers = await deps.store.getPapers(ids.slice(0, 10));
      const count = ids.length + more;
      if (count === 0) {
        // An empty preview is an answer, not a failed search: no "try fewer words" hint.
        return {
          kind: 'notice',
          text: `Digest #${subscription.id} would post nothing now: nothing new since its last digest (subscribed ${subscription.createdAt.slice(0, 10)}).`,
        };
      }
      return {
        kind: 'papers',
        heading: `Digest #${subscription.id} would post ${count} paper${count === 1 ? '' : 's'} now`,
        cards: papers.map((paper) => toPaperCard({ paper, score: 0, matchedTerms: [], profiles: [] })),
        page: {
          current: { type: 'page', query: subscription.query, page: 1 },
          page: 1,
          pageSize: 10,
          total: count,
        },
      };
    }
    default:
      return { kind: 'notice', text: USAGE };
  }
}

/** The query a watch on an author runs: the `author:` filter (a listed name as a phrase, or a page's owner). */
const authorQuery = (name: string) => `author:"${name.replaceAll('"', ' ')}"`;

/**
 * `/follow NAME [daily|weekdays|weekly DAY] [at HH:MM] [tz Area/City]`: a personal watch on an author, a direct
 * message when new papers list them, kept as a watch (`/digest list`, `/digest unsubscribe ID`). The name must be
 * one the index lists (case and accents aside); another is refused with the closest names.
 */
async function follow(args: string, context: ChatContext, deps: DigestDeps): Promise<Reply> {
  const { query } = parseSubscribe(args);
  const name = query.trim();
  if (!name)
    return {
      kind: 'error',
      code: 'invalid_query',
      message: 'Follow whom? Write /follow NAME, like /follow Dan Jurafsky.',
    };
  const found = await lookupAuthor(deps.store, name, 5, undefined, { guess: false });
  if (!('found' in found)) {
    const close =
      'choices' in found ? found.choices.map((c) => `“${c.name}” (${c.papers} paper${c.papers === 1 ? '' : 's'})`) : [];
    return {
      kind: 'error',
      code: 'not_found',
      message: `No paper lists “${name}”.${close.length ? ` Closest names: ${close.join(', ')}.` : ''} Follow a name as papers list it.`,
    };
  }
  const options = args.trim().startsWith(name) ? args.trim().slice(name.length) : '';
  const reply = await digestCommand(`watch ${authorQuery(found.found.name)}${options}`, context, deps);
  return reply.kind === 'notice'
    ? { ...reply, text: reply.text.replace(/^Watching:/, `Following ${found.found.name}:`) }
    : reply;
}

/** `/unfollow NAME`: ends this person's watches on that author (as `/digest unsubscribe ID` does). */
async function unfollow(args: string, context: ChatContext, deps: DigestDeps): Promise<Reply> {
  const key = toAuthorKey(args);
  const watches = (await deps.digests.listSubscriptions({ platform: context.platform, channel: context.user })).filter(
    (s) => s.kind === 'watch' && toAuthorKey(/^author:"(.*)"$/.exec(s.query)?.[1] ?? '') === key && key !== '',
  );
  if (watches.length === 0)
    return { kind: 'notice', text: `You do not follow “${args.trim()}”. /digest list shows your watches.` };
  for (const watch of watches) await deps.digests.removeSubscription(watch.id);
  return { kind: 'notice', text: `Stopped following ${args.trim()} (${watches.map((w) => `#${w.id}`).join(', ')}).` };
}
