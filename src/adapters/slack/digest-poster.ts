import { type Logger, webApi } from '@slack/bolt';
import type { PaperCard } from '../../core/commands/reply.ts';
import type { Subscription } from '../../core/digest/digest-store.ts';
import type { DigestDelivery, DigestPoster } from '../../core/digest/run-digests.ts';
import { PaperboyError } from '../../core/errors.ts';
import { isWebLink } from '../../core/text.ts';
import { type Block, cardMenu, fallbackText, mrkdwn, SLACK_LIMITS, slackField } from './render.ts';

// render.ts builds Block Kit as plain JSON (checked against Slack's limits by the tests); the Web API's
// types want its own block union, so the JSON crosses over here, in one place.
const toKnownBlocks = (blocks: Block[]) => blocks as unknown as webApi.KnownBlock[];

/** Papers per thread message: one section each, well under Slack's 50 blocks and 3,000 characters a section. */
export const DIGEST_CARDS_PER_MESSAGE = 40;
// How far back a recovery looks for a digest's summary: 10 pages of 200 messages.
const HISTORY_PAGES = 10;
export const DIGEST_EVENT = 'paperboy_digest';
/** How long a digest request waits for Slack; a later answer is an unknown outcome (docs/digests.md). */
export const SLACK_DIGEST_TIMEOUT_MS = 30_000;
// Slack's answers that the channel or person is gone for good: retrying cannot help (the subscription is paused).
const GONE = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'messages_tab_disabled',
]);

/**
 * Slack's answer as Paperboy's: `ok: false` (Slack recorded nothing) is `platform_refused`, or `channel_gone` for a
 * channel or person that is gone; a timeout, a cut connection or a 5xx stays as it is: its outcome is unknown.
 */
function refusalOf(error: unknown): unknown {
  const { code, data } = error as { code?: string; data?: { error?: string } };
  if (code === webApi.ErrorCode.PlatformError) {
    const what = data?.error ?? 'unknown error';
    return new PaperboyError(GONE.has(what) ? 'channel_gone' : 'platform_refused', `Slack refused it: ${what}`, {
      cause: error,
    });
  }
  if (code === webApi.ErrorCode.RateLimitedError)
    return new PaperboyError('platform_refused', 'Slack kept rate-limiting it', { cause: error });
  return error;
}

// Each part is cut on its own, so the link's markup always closes and the facts always show.
function digestCard(card: PaperCard): Block {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  const facts = [
    slackField(card.date, 40),
    slackField(card.category ?? '—', 80),
    card.hasCode ? ':computer: code' : undefined,
    // The title links to the card's own page; its PDF and DOI follow.
    ...(card.links ?? [])
      .filter((l) => l.url !== card.url && isWebLink(l.url, SLACK_LIMITS.url))
      .map((l) => `<${l.url}|${l.label}>`),
  ]
    .filter(Boolean)
    .join(' · ');
  // A `|` would end the link's label early, and `>` is already `&gt;`: the title stays inside the link.
  const title = slackField(card.title, 500).replaceAll('|', '¦');
  const link = isWebLink(card.url, SLACK_LIMITS.url) ? `<${card.url}|${title}>` : title;
  return {
    type: 'section',
    text: mrkdwn(`*${link}*\n${slackField(authors, 1000)} · ${facts}`),
    accessory: cardMenu(card),
  };
}

/** Splits a digest's cards into thread messages within Slack's limits. */
export function digestChunks(cards: PaperCard[]): Block[][] {
  const chunks: Block[][] = [];
  for (let i = 0; i < cards.length; i += DIGEST_CARDS_PER_MESSAGE) {
    chunks.push(cards.slice(i, i + DIGEST_CARDS_PER_MESSAGE).map(digestCard));
  }
  return chunks;
}

/**
 * Posts digests with the Web API: a summary in the channel (or the person's direct messages for a watch)
 * and the papers in its thread. Every message carries the ledger id as message metadata, so after a crash
 * the channel's history tells whether the digest already went out.
 */
export function createSlackDigestPoster(options: {
  token: string;
  apiUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}): DigestPoster {
  const client = new webApi.WebClient(options.token, {
    logger: options.logger,
    // Slack may fail a post after recording it, so no call is repeated blind: rate limits (nothing recorded)
    // are waited out by `limited`; any other failure goes back to the digest run, whose recovery looks in the
    // channel first and posts only what is missing.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // A hung request would keep the digest's lease alive for ever; a timed-out one has an unknown outcome.
    timeout: options.timeoutMs ?? SLACK_DIGEST_TIMEOUT_MS,
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
  });
  const limited = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const { code, retryAfter = 1 } = error as { code?: string; retryAfter?: number };
        if (code !== webApi.ErrorCode.RateLimitedError || attempt >= 10) throw refusalOf(error);
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  };
  // Each message renews the digest's lease (and stops the digest when another runner has taken it over).
  const postMessage = async (delivery: DigestDelivery, message: webApi.ChatPostMessageArguments) => {
    const posted = await limited(() => client.chat.postMessage(message));
    await delivery.keepLease?.();
    return posted;
  };
  const dmChannels = new Map<string, string>();
  // A watch goes to the person's direct messages: their channel id (not the user id) is what history needs.
  const channelOf = async (subscription: Subscription): Promise<string> => {
    if (subscription.kind !== 'watch') return subscription.channel;
    let channel = dmChannels.get(subscription.channel);
    if (!channel) {
      const opened = await limited(() => client.conversations.open({ users: subscription.channel }));
      channel = opened.channel?.id ?? subscription.channel;
      dmChannels.set(subscription.channel, channel);
    }
    return channel;
  };
  const ledgerOf = (message: { metadata?: { event_payload?: unknown } }) =>
    (message.metadata?.event_payload as { ledger_id?: string } | undefined)?.ledger_id;
  const postThread = async (channel: string, ts: string, delivery: DigestDelivery, chunks: Block[][]) => {
    const metadata = { event_type: DIGEST_EVENT, event_payload: { ledger_id: delivery.ledgerId } };
    for (const blocks of chunks) {
      await postMessage(delivery, {
        channel,
        thread_ts: ts,
        text: fallbackText(delivery.heading),
        blocks: toKnownBlocks(blocks),
        metadata,
      });
    }
  };
  return {
    async post(delivery) {
      const metadata = { event_type: DIGEST_EVENT, event_payload: { ledger_id: delivery.ledgerId } };
      const top = delivery.cards.slice(0, 3).map((c) => `• ${slackField(c.title, 500)}`);
      const channel = await channelOf(delivery.subscription);
      const summary = await postMessage(delivery, {
        channel,
        text: fallbackText(delivery.heading),
        metadata,
        blocks: toKnownBlocks([
          { type: 'section', text: mrkdwn(`*${slackField(delivery.heading, 1000)}*\n${top.join('\n')}`) },
          ...(delivery.cards.length
            ? [
                {
                  type: 'context',
                  elements: [
                    mrkdwn(
                      delivery.more
                        ? `The first ${delivery.cards.length} are in the thread. ${slackField(delivery.more.text, 1000)}`
                        : 'All papers are in the thread.',
                    ),
                  ],
                },
              ]
            : []),
        ]),
      });
      const ts = summary.ts as string;
      await postThread(channel, ts, delivery, digestChunks(delivery.cards));
      return ts;
    },
    async findPosted(subscription, ledgerId) {
      const channel = await channelOf(subscription);
      // A digest is recovered up to PAPERBOY_DIGEST_MAX_LATE (12 h) after it was due, or the next day: people
      // may have written hundreds of messages since, so the search pages back through the history.
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const history = await limited(() =>
          client.conversations.history({
            channel,
            limit: 200,
            include_all_metadata: true,
            ...(cursor ? { cursor } : {}),
          }),
        );
        const found = history.messages?.find((m) => ledgerOf(m) === ledgerId)?.ts;
        if (found) return found;
        cursor = history.response_metadata?.next_cursor;
        if (!history.has_more || !cursor) break;
      }
      return undefined;
    },
    async resume(delivery, ts) {
      if (!ts) return;
      const channel = await channelOf(delivery.subscription);
      const replies = await limited(() =>
        client.conversations.replies({ channel, ts, limit: 200, include_all_metadata: true }),
      );
      const posted = (replies.messages ?? []).filter((m) => m.ts !== ts && ledgerOf(m) === delivery.ledgerId).length;
      // The chunks are the same as the first time (same papers, same order): post the ones still missing.
      await postThread(channel, ts, delivery, digestChunks(delivery.cards).slice(posted));
    },
  };
}
