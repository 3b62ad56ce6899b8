import type { App, Logger, webApi } from '@slack/bolt';
import type { Chat } from '../../core/commands/chat.ts';
import { recogniseLinks } from '../../core/links/recognise-links.ts';
import type { EventDedupe } from './event-dedupe.ts';
import { type Block, unfurlBlocks } from './render.ts';

// Our blocks are loose Block Kit JSON (render.ts); the Web API wants its own block types (as digest-poster.ts).
const toKnownBlocks = (blocks: Block[]) => blocks as unknown as webApi.KnownBlock[];

/**
 * Answers Slack's `link_shared` event with `chat.unfurl`: each link to a paper the lookup resolves gets that
 * paper's card; other links are left for Slack to unfurl as it likes.
 *
 * @param firstTime - the event ledger: Slack sends link_shared again for a message it already told us about
 *   (retries, edits), maybe to another instance; each link of a message (channel, message, URL) is unfurled once.
 */
export function handleLinkShared(app: App, chat: Chat, logger: Logger, firstTime: EventDedupe) {
  app.event('link_shared', async ({ event }) => {
    const shared = event;
    const links = shared.links.map((link) => ({
      url: link.url,
      key: `slack-link:${shared.channel} ${shared.message_ts} ${link.url}`,
    }));
    // Claimed before the lookup: a redelivery arriving meanwhile, here or at another instance, finds them taken.
    const taken = await Promise.all(links.map((link) => firstTime(link.key)));
    const fresh = links.filter((_, i) => taken[i]);
    if (fresh.length === 0) {
      logger.info(`paperboy: links of message ${shared.message_ts} unfurled already`);
      return;
    }
    const unfurls: Record<string, { blocks: webApi.KnownBlock[] }> = {};
    // One lookup for all the message's links: arXiv is asked once for those the index lacks.
    const paperLinks = fresh.flatMap((link) => {
      const [ref] = recogniseLinks(link.url);
      return ref ? [{ url: link.url, ref }] : [];
    });
    // The person who shared the links, for the per-person bound on arXiv look-ups.
    const place = { platform: 'slack', user: shared.user ?? '', space: 'team' in shared ? String(shared.team) : '' };
    const answers = await chat.cardsFor(
      paperLinks.map((link) => link.ref),
      place,
    );
    paperLinks.forEach((link, i) => {
      const card = answers[i]?.card;
      if (card) unfurls[link.url] = { blocks: toKnownBlocks(unfurlBlocks(card)) };
    });
    if (Object.keys(unfurls).length === 0) return;
    // A link still in the composer has no message yet: Slack names it by unfurl id.
    const target =
      shared.source === 'composer' && shared.unfurl_id
        ? { source: 'composer' as const, unfurl_id: shared.unfurl_id }
        : { channel: shared.channel, ts: shared.message_ts };
    await app.client.chat.unfurl({ ...target, unfurls });
    // A message whose one paper link Paperboy unfurled holds exactly one paper: 👍 / 👎 on it are taste signals.
    const only = paperLinks.length === 1 ? answers[0]?.card : undefined;
    if (only && 'channel' in target && target.ts)
      await chat
        .rememberPosted(
          { platform: 'slack', space: place.space, channel: target.channel, messageId: target.ts },
          only.id,
        )
        .catch((error) =>
          logger.warn(`paperboy: could not remember the unfurled message: ${(error as Error).message}`),
        );
  });
}
