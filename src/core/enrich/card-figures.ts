import type { CardCitations, PaperCard, Reply } from '../commands/reply.ts';
import type { EnrichmentStore } from './enrichment-store.ts';
import { SOURCE_LABEL, serviceCount } from './scholarly.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A card's citations as shown: `cited 1,234 · OpenAlex, 3 Dec` (the service and the day it was asked, UTC), or
 * `cited 40` for the record's own count.
 *
 * @example citationsText({ count: 1234, source: 'OpenAlex', fetchedAt: '2026-12-03T04:00:00Z' }) // 'cited 1,234 · OpenAlex, 3 Dec'
 */
export function citationsText(citations: CardCitations): string {
  const count = `cited ${citations.count.toLocaleString('en-US')}`;
  if (!citations.source || !citations.fetchedAt) return count;
  const at = new Date(citations.fetchedAt);
  return `${count} · ${citations.source}, ${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]}`;
}

/**
 * Puts what the services said on cards, from the store only (answers never wait on a service): the service's
 * citation count wins over the record's, and a TL;DR becomes the card's first line.
 */
export async function withFigures(
  cards: PaperCard[],
  figures: Pick<EnrichmentStore, 'figuresOf'>,
): Promise<PaperCard[]> {
  if (cards.length === 0) return cards;
  const stored = await figures.figuresOf(cards.map((c) => c.id));
  for (const card of cards) {
    const list = stored.get(card.id) ?? [];
    const count = serviceCount(list);
    if (count && count.citations !== null)
      card.citations = { count: count.citations, source: SOURCE_LABEL[count.source], fetchedAt: count.fetchedAt };
    const tldr = list.find((f) => f.tldr)?.tldr;
    if (tldr) card.tldr = tldr;
  }
  return cards;
}

/** {@link withFigures} on every card a reply holds. */
export async function replyWithFigures(reply: Reply, figures: Pick<EnrichmentStore, 'figuresOf'>): Promise<Reply> {
  if ('cards' in reply && Array.isArray(reply.cards)) {
    const cards = reply.cards.filter((c): c is PaperCard => 'snippet' in c);
    await withFigures(cards, figures);
  }
  return reply;
}
