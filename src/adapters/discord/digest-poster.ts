import { DiscordAPIError, EmbedBuilder, REST, Routes } from 'discord.js';
import type { PaperCard } from '../../core/commands/reply.ts';
import type { Subscription } from '../../core/digest/digest-store.ts';
import type { DigestDelivery, DigestPoster } from '../../core/digest/run-digests.ts';
import { truncate } from '../../core/text.ts';
import { DISCORD_LIMITS, escapeDiscord } from './render.ts';

const NO_PINGS = { parse: [] };

function digestEmbed(card: PaperCard): EmbedBuilder {
  const authors = card.authors.join(', ') + (card.authorsTruncated ? ' et al.' : '');
  const facts = [card.date, card.category ?? '—', card.hasCode ? '💻 code' : undefined].filter(Boolean).join(' · ');
  return new EmbedBuilder()
    .setTitle(truncate(escapeDiscord(card.title), DISCORD_LIMITS.title))
    .setURL(card.url)
    .setDescription(truncate(`${escapeDiscord(authors || 'no authors listed')}\n${facts}`, 400));
}

/** Splits a digest's cards into messages of at most 10 embeds and 6,000 characters each. */
export function digestMessages(cards: PaperCard[]): EmbedBuilder[][] {
  const messages: EmbedBuilder[][] = [];
  let current: EmbedBuilder[] = [];
  let size = 0;
  for (const card of cards) {
    const embed = digestEmbed(card);
    const length = (embed.data.title?.length ?? 0) + (embed.data.description?.length ?? 0);
    if (current.length === DISCORD_LIMITS.embeds || size + length > DISCORD_LIMITS.embedsTotal) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += length;
  }
  if (current.length) messages.push(current);
  return messages;
}

/**
 * Posts digests over Discord's REST API (no gateway needed, so `paperboy digest run` can post too): a summary
 * whose footer carries the ledger id, then the papers in a thread started from it (or as follow-ups where no
 * thread can be made, as in direct messages). @discordjs/rest waits out 429s and retries; the nonce lets
 * Discord drop a repeated post, and the footer lets a restart find a digest already posted.
 */
export function createDiscordDigestPoster(options: { token: string; apiUrl: string }): DigestPoster {
  // No retries of 5xx or timeouts: Discord may have recorded the post (a repeat would show twice), so a failure
  // goes back to the digest run, whose recovery looks on the platform first. 429s are still waited out.
  const rest = new REST({ api: options.apiUrl, retries: 0 }).setToken(options.token);
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
  const footer = (ledgerId: string) => `Paperboy digest ${ledgerId}`;

  /**
   * Posts the card messages from `skip` on, in the summary's thread (a thread started from a message has the
   * message's id), opening the thread first when `open`.
   */
  const postCards = async (
    channel: string,
    summaryId: string,
    delivery: DigestDelivery,
    skip: number,
    open: boolean,
  ) => {
    let target = channel;
    if (delivery.cards.length && delivery.subscription.kind !== 'watch') {
      try {
        if (open) {
          await rest.post(Routes.threads(channel, summaryId), {
            body: { name: truncate(delivery.heading, 100), auto_archive_duration: 1440 },
          });
        }
        target = summaryId;
      } catch (error) {
        // No thread here (no permission, or not a text channel): the papers follow in the channel. A 5xx or
        // timeout is no such answer: the run fails and its recovery tries again.
        if (!(error instanceof DiscordAPIError)) throw error;
      }
    }
    for (const embeds of digestMessages(delivery.cards).slice(skip)) {
      await rest.post(Routes.channelMessages(target), {
        body: { embeds: embeds.map((e) => e.toJSON()), allowed_mentions: NO_PINGS },
      });
      delivery.keepLease?.();
    }
  };

  return {
    async post(delivery) {
      const channel = await channelOf(delivery.subscription);
      const summary = new EmbedBuilder()
        .setTitle(truncate(escapeDiscord(delivery.heading), DISCORD_LIMITS.title))
        .setDescription(
          truncate(
            delivery.cards
              .slice(0, 3)
              .map((c) => `• ${escapeDiscord(c.title)}`)
              .join('\n') || '—',
            DISCORD_LIMITS.description,
          ),
        )
        .setFooter({ text: footer(delivery.ledgerId) });
      const message = (await rest.post(Routes.channelMessages(channel), {
        body: {
          embeds: [summary.toJSON()],
          allowed_mentions: NO_PINGS,
          nonce: delivery.ledgerId.slice(-25),
          enforce_nonce: true,
        },
      })) as { id: string };
      delivery.keepLease?.();
      await postCards(channel, message.id, delivery, 0, true);
      return message.id;
    },
    async findPosted(subscription, ledgerId) {
      const channel = await channelOf(subscription);
      const recent = (await rest.get(Routes.channelMessages(channel), {
        query: new URLSearchParams({ limit: '50' }),
      })) as {
        id: string;
        embeds?: { footer?: { text?: string } }[];
      }[];
      return recent.find((m) => m.embeds?.some((e) => e.footer?.text === footer(ledgerId)))?.id;
    },
    async resume(delivery, summaryId) {
      // A watch's cards follow in direct messages that cannot be told apart from later ones: leave them.
      if (!summaryId || delivery.subscription.kind === 'watch') return;
      const channel = await channelOf(delivery.subscription);
      let posted: unknown[] | undefined;
      try {
        posted = (await rest.get(Routes.channelMessages(summaryId), {
          query: new URLSearchParams({ limit: '100' }),
        })) as unknown[];
      } catch (error) {
        // No thread yet: the process died right after the summary. A 5xx or timeout says nothing about the
        // thread: reposting every card then would show them twice, so the run fails and is recovered later.
        if (!(error instanceof DiscordAPIError)) throw error;
      }
      await postCards(channel, summaryId, delivery, posted?.length ?? 0, posted === undefined);
    },
  };
}
