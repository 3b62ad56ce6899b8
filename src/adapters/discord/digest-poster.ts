import { DiscordAPIError, EmbedBuilder, MessageType, REST, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { PaperCard } from '../../core/commands/reply.ts';
import type { Subscription } from '../../core/digest/digest-store.ts';
import type { DigestDelivery, DigestPoster } from '../../core/digest/run-digests.ts';
import { PaperboyError } from '../../core/errors.ts';
import { isWebLink, truncate } from '../../core/text.ts';
import {
  cardMenuRow,
  DISCORD_LIMITS,
  discordField,
  escapeDiscord,
  factsLine,
  linksLine,
  plainDiscord,
  tasteMenuRow,
} from './render.ts';

const NO_PINGS = { parse: [] };
/** How long a digest request waits for Discord (@discordjs/rest's default); a later answer is an unknown outcome. */
export const DISCORD_DIGEST_TIMEOUT_MS = 15_000;
// Discord's answers that the channel or person is gone for good: retrying cannot help (the subscription is paused).
const GONE: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
]);

/**
 * Discord's answer as Paperboy's: a 4xx error (Discord recorded nothing) is `platform_refused`, or `channel_gone` for
 * a channel or person that is gone; a timeout, a cut connection or a 5xx stays as it is: its outcome is unknown.
 */
function refusalOf(error: unknown): unknown {
  if (error instanceof DiscordAPIError && error.status < 500) {
    const code = typeof error.code === 'number' ? error.code : 0;
    return new PaperboyError(
      GONE.has(code) ? 'channel_gone' : 'platform_refused',
      `Discord refused it: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  return error;
}
// Pages of 100 read back when completing a digest: a thread of 1,000 card messages, far beyond any digest.
const HISTORY_PAGES = 10;

/** The summary's footer: how a restart finds a digest already posted. */
const summaryMark = (ledgerId: string) => `Paperboy digest ${ledgerId}`;
/** The footer of each card message: which digest it belongs to and which of its messages it is. */
const partMark = (ledgerId: string, part: number, parts: number) =>
  `Paperboy digest ${ledgerId} · part ${part} of ${parts}`;
const PART_MARK = /^Paperboy digest (\S+) · part (\d+) of \d+$/;
// Room kept in each message for its part footer ("Paperboy digest pb-digest-123456 · part 12 of 34").
const PART_MARK_ROOM = 80;

interface HistoryMessage {
  id: string;
  type: number;
  author?: { id: string };
  embeds?: { footer?: { text?: string } }[];
}

/** The facts and the paper's links (arXiv, PDF, DOI) under a digest card's authors; whole, never cut. */
const digestTail = (card: PaperCard): string => [factsLine(card), linksLine(card)].filter(Boolean).join('\n');

function digestEmbed(card: PaperCard): EmbedBuilder {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  // Authors give way to the tail, so a long author list never cuts a link in half.
  const tail = digestTail(card);
  return new EmbedBuilder()
    .setTitle(truncate(escapeDiscord(card.title), DISCORD_LIMITS.title))
    .setURL(isWebLink(card.url, DISCORD_LIMITS.url) ? card.url : null)
    .setDescription(
      truncate(`${discordField(authors || 'no authors listed', Math.max(60, 520 - tail.length))}\n${tail}`, 600),
    );
}

/**
 * Splits a digest's cards into messages of at most 10 embeds and 6,000 characters each; the last embed of each
 * message carries a footer naming the digest and the part, so a restart can tell which messages went out.
 */
export function digestMessages(cards: PaperCard[], ledgerId: string): EmbedBuilder[][] {
  const messages: EmbedBuilder[][] = [];
  let current: EmbedBuilder[] = [];
  let size = PART_MARK_ROOM;
  for (const card of cards) {
    const embed = digestEmbed(card);
    const length = (embed.data.title?.length ?? 0) + (embed.data.description?.length ?? 0);
    if (current.length === DISCORD_LIMITS.embeds || size + length > DISCORD_LIMITS.embedsTotal) {
      messages.push(current);
      current = [];
      size = PART_MARK_ROOM;
    }
    current.push(embed);
    size += length;
  }
  if (current.length) messages.push(current);
  messages.forEach((embeds, i) => {
    embeds.at(-1)?.setFooter({ text: partMark(ledgerId, i + 1, messages.length) });
  });
  return messages;
}

/**
 * Posts digests over Discord's REST API (no gateway needed, so `paperboy digest run` can post too): a summary
 * whose footer carries the ledger id, then the papers in a thread started from it (or as follow-ups where no
 * thread can be made, as in direct messages), each card message marked with its part. @discordjs/rest waits
 * out 429s and retries; the nonce lets Discord drop a repeated post, and the footers let a restart find what
 * was already posted.
 */
export function createDiscordDigestPoster(options: {
  token: string;
  apiUrl: string;
  timeoutMs?: number;
}): DigestPoster {
  // No retries of 5xx or timeouts: Discord may have recorded the post (a repeat would show twice), so a failure
  // goes back to the digest run, whose recovery looks on the platform first. 429s are still waited out.
  const rest = new REST({
    api: options.apiUrl,
    retries: 0,
    timeout: options.timeoutMs ?? DISCORD_DIGEST_TIMEOUT_MS,
  }).setToken(options.token);
  const dmChannels = new Map<string, string>();
  const channelOf = async (subscription: Subscription): Promise<string> => {
    if (subscription.kind !== 'watch') return subscription.channel;
    const known = dmChannels.get(subscription.channel);
    if (known) return known;
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: subscription.channel } })) as {
      id: string;
    };
    dmChannels.set(subscription.channel, dm.id);
    return dm.id;
  };
  let me: Promise<string> | undefined;
  /** The bot's own user id: only its messages count as posted. */
  const botId = () => {
    me ??= (rest.get(Routes.user()) as Promise<{ id: string }>).then((user) => user.id);
    return me;
  };

  /** Messages after `after` in a channel or thread, or `undefined` when Discord knows no such channel. */
  const messagesAfter = async (channel: string, after: string): Promise<HistoryMessage[] | undefined> => {
    const all: HistoryMessage[] = [];
    let cursor = after;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let batch: HistoryMessage[];
      try {
        batch = (await rest.get(Routes.channelMessages(channel), {
          query: new URLSearchParams({ limit: '100', after: cursor }),
        })) as HistoryMessage[];
      } catch (error) {
        // A thread that was never made answers 404 Unknown Channel; anything else is a real failure.
        if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownChannel) return undefined;
        throw error;
      }
      all.push(...batch);
      if (batch.length < 100) break;
      cursor = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), cursor);
    }
    return all;
  };

  /**
   * The card messages of this digest already posted: the bot's own ordinary messages whose footer names the
   * digest. The thread's starter message, people's replies and other bots' messages do not count.
   */
  const postedParts = async (messages: HistoryMessage[], ledgerId: string): Promise<Set<number>> => {
    const self = await botId();
    const parts = new Set<number>();
    for (const message of messages) {
      if (message.type !== MessageType.Default || message.author?.id !== self) continue;
      for (const embed of message.embeds ?? []) {
        const mark = PART_MARK.exec(embed.footer?.text ?? '');
        if (mark?.[1] === ledgerId) parts.add(Number(mark[2]));
      }
    }
    return parts;
  };

  /**
   * Posts the card messages not in `posted`, in the summary's thread (a thread started from a message has the
   * message's id), opening the thread first when `open`.
   */
  const postCards = async (
    channel: string,
    summaryId: string,
    delivery: DigestDelivery,
    posted: ReadonlySet<number>,
    open: boolean,
  ) => {
    let target = channel;
    if (delivery.cards.length && delivery.subscription.kind !== 'watch') {
      try {
        if (open) {
          await rest.post(Routes.threads(channel, summaryId), {
            body: { name: plainDiscord(delivery.heading, 100), auto_archive_duration: 1440 },
          });
        }
        target = summaryId;
      } catch (error) {
        // No thread here (no permission, or not a text channel): the papers follow in the channel. A 5xx or
        // timeout is no such answer: the run fails and its recovery tries again.
        if (!(error instanceof DiscordAPIError)) throw error;
      }
    }
    const messages = digestMessages(delivery.cards, delivery.ledgerId);
    let offset = 0;
    for (const [i, embeds] of messages.entries()) {
      // The cards of this message, in its embeds' order: its Save/Cite menu offers them.
      const cards = delivery.cards.slice(offset, offset + embeds.length);
      offset += embeds.length;
      if (posted.has(i + 1)) continue;
      await rest.post(Routes.channelMessages(target), {
        body: {
          embeds: embeds.map((e) => e.toJSON()),
          components: [
            cardMenuRow(
              cards,
              cards.map((c) => truncate(c.title, 60)),
            ).toJSON(),
            tasteMenuRow(
              cards,
              cards.map((c) => truncate(c.title, 60)),
            ).toJSON(),
          ],
          allowed_mentions: NO_PINGS,
          nonce: `${delivery.ledgerId}-${i + 1}`.slice(-25),
          enforce_nonce: true,
        },
      });
      await delivery.keepLease?.();
    }
  };

  const poster: DigestPoster = {
    async post(delivery) {
      const channel = await channelOf(delivery.subscription);
      const summary = new EmbedBuilder()
        .setTitle(truncate(escapeDiscord(delivery.heading), DISCORD_LIMITS.title))
        .setDescription(
          truncate(
            (delivery.cards
              .slice(0, 3)
              .map((c) => `• ${discordField(c.title, 300)}`)
              .join('\n') || '—') + (delivery.more ? `\n\n${discordField(delivery.more.text, 1200)}` : ''),
            DISCORD_LIMITS.description,
          ),
        )
        .setFooter({ text: summaryMark(delivery.ledgerId) });
      const message = (await rest.post(Routes.channelMessages(channel), {
        body: {
          embeds: [summary.toJSON()],
          allowed_mentions: NO_PINGS,
          nonce: delivery.ledgerId.slice(-25),
          enforce_nonce: true,
        },
      })) as { id: string };
      await delivery.keepLease?.();
      await postCards(channel, message.id, delivery, new Set(), true);
      return message.id;
    },
    async findPosted(subscription, ledgerId) {
      const channel = await channelOf(subscription);
      const self = await botId();
      // A digest is recovered up to PAPERBOY_DIGEST_MAX_LATE (12 h) after it was due, or the next day: people
      // may have written hundreds of messages since, so the search pages back through the history.
      let before: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const batch = (await rest.get(Routes.channelMessages(channel), {
          query: new URLSearchParams({ limit: '100', ...(before ? { before } : {}) }),
        })) as HistoryMessage[];
        const found = batch.find(
          (m) => m.author?.id === self && m.embeds?.some((e) => e.footer?.text === summaryMark(ledgerId)),
        );
        if (found) return found.id;
        if (batch.length < 100) break;
        before = batch.reduce((min, m) => (BigInt(m.id) < BigInt(min) ? m.id : min), (batch[0] as HistoryMessage).id);
      }
      return undefined;
    },
    async resume(delivery, summaryId) {
      if (!summaryId) return;
      const channel = await channelOf(delivery.subscription);
      // A watch's cards follow in the direct messages; a digest's in the summary's thread, unless the thread
      // was never made (the process died right after the summary, or no thread could be made): then they may
      // have gone to the channel, after the summary.
      const thread = delivery.subscription.kind === 'watch' ? undefined : await messagesAfter(summaryId, summaryId);
      const history = thread ?? (await messagesAfter(channel, summaryId)) ?? [];
      const posted = await postedParts(history, delivery.ledgerId);
      await postCards(
        channel,
        summaryId,
        delivery,
        posted,
        thread === undefined && delivery.subscription.kind !== 'watch',
      );
    },
  };
  // Every call's failure in Paperboy's terms: a refusal (nothing recorded), a channel gone, or an unknown outcome.
  const translated =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw refusalOf(error);
      }
    };
  return {
    post: translated(poster.post),
    findPosted: translated(poster.findPosted),
    resume: translated(poster.resume),
  };
}
