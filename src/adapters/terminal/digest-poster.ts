import type { DigestPoster } from '../../core/digest/run-digests.ts';
import { renderReply, type Style, toTerminalSafe } from './render.ts';

/**
 * Posts `terminal` digests by printing them. A terminal keeps no history to search, so a digest cut off by a
 * crash mid-print is printed again (the ledger still keeps it from repeating once it was recorded as sent).
 */
export function createTerminalPoster(write: (text: string) => void, style: Style): DigestPoster {
  return {
    async post(delivery) {
      const body =
        delivery.cards.length === 0
          ? toTerminalSafe(delivery.heading)
          : renderReply(
              {
                kind: 'papers',
                heading: `Digest #${delivery.subscription.id}: ${delivery.heading}`,
                cards: delivery.cards,
                page: {
                  current: { type: 'page', query: delivery.subscription.query, page: 1 },
                  page: 1,
                  pageSize: delivery.cards.length,
                  total: delivery.cards.length + (delivery.more?.count ?? 0),
                },
              },
              style,
            );
      write(`${body}\n${delivery.more ? `${toTerminalSafe(delivery.more.text)}\n` : ''}`);
      return delivery.ledgerId;
    },
    findPosted: async () => undefined,
    resume: async () => {},
  };
}
