import { toPaperCard } from '../commands/paper-card.ts';
import type { PaperCard, Reply } from '../commands/reply.ts';
import type { PaperStore } from '../store/paper-store.ts';
import type { Resolved } from './lookup.ts';
import { type PaperRef, recogniseLinks } from './recognise-links.ts';

/** Cards a link answer shows; the rest are counted ("N more not shown"). */
export const LINK_CARDS = 5;

/** How a ref reads in a message: `arXiv 2310.13548`, `DOI 10.1038/nature14539`. */
export function describeRef(ref: PaperRef): string {
  return ref.kind === 'arxiv' ? `arXiv ${ref.id}` : `DOI ${ref.doi}`;
}

/** The search a missing ref offers: its id or DOI as words (`/search` always searches, never looks up). */
export const searchFor = (ref: PaperRef): string => (ref.kind === 'arxiv' ? ref.id : ref.doi);

type CardStore = Pick<PaperStore, 'getPapers' | 'profileNamesFor'>;

/** The cards of these papers, in this order (nothing marked: no words were searched). */
export async function toCards(ids: readonly number[], store: CardStore): Promise<PaperCard[]> {
  const papers = new Map((await store.getPapers(ids)).map((p) => [p.id, p]));
  const profiles = await store.profileNamesFor(ids);
  return ids.flatMap((id) => {
    const paper = papers.get(id);
    return paper ? [toPaperCard({ paper, score: 0, matchedTerms: [], profiles: profiles.get(id) ?? [] })] : [];
  });
}

// A link answer's Share button carries its refs as this query: an unknown filter to search, so no real query
// can be mistaken for it.
const LINKS_QUERY = 'links:';

/** The refs as a query the Share button carries: `links: 2310.13548 doi:10.1038/nature14539`. */
export const toLinksQuery = (refs: readonly PaperRef[]): string =>
  `${LINKS_QUERY} ${refs.map((r) => (r.kind === 'arxiv' ? r.id : `doi:${r.doi}`)).join(' ')}`;

/** The refs of a {@link toLinksQuery} query; undefined for any other query. */
export function fromLinksQuery(query: string): PaperRef[] | undefined {
  return query.startsWith(LINKS_QUERY) ? recogniseLinks(query.slice(LINKS_QUERY.length)) : undefined;
}

/**
 * The answer to pasted links: the first {@link LINK_CARDS} papers found as cards, then "N more not shown"; refs not
 * in the index are named with the search for their id. Nothing found: a notice naming them, with search buttons.
 */
export async function toLinkReply(resolved: readonly Resolved[], store: CardStore): Promise<Reply> {
  const ids = [...new Set(resolved.flatMap((r) => (r.paperId === null ? [] : [r.paperId])))];
  const missing = resolved.filter((r) => r.paperId === null);
  const unreachable = missing.some((r) => r.paperId === null && r.reason === 'unreachable');
  const busy = missing.some((r) => r.paperId === null && r.reason === 'busy');
  const missingText = missing.length
    ? `${missing.map((r) => describeRef(r.ref)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the index` +
      (busy
        ? ' yet (many arXiv look-ups are waiting; paste it again in a minute)'
        : unreachable
          ? ' (arXiv could not be reached to look it up)'
          : '')
    : '';
  const cards = await toCards(ids.slice(0, LINK_CARDS), store);
  if (cards.length === 0) {
    return {
      kind: 'choices',
      message: `${missingText || 'No paper found for that link'}. Search for ${missing.length === 1 ? 'its id' : 'their ids'} instead:`,
      options: missing.slice(0, LINK_CARDS).map((r) => ({
        label: `/search ${searchFor(r.ref)}`,
        action: { type: 'page', query: searchFor(r.ref), page: 1 },
      })),
    };
  }
  const notes = [
    ids.length > LINK_CARDS ? `${ids.length - LINK_CARDS} more not shown` : '',
    missingText ? `${missingText}: try /search ${missing.map((r) => searchFor(r.ref)).join(' ')}` : '',
  ].filter(Boolean);
  return {
    kind: 'papers',
    heading: [cards.length === 1 ? 'The paper you linked' : 'The papers you linked', ...notes].join(' · '),
    cards,
    page: {
      current: { type: 'page', query: '', page: 1 },
      page: 1,
      pageSize: LINK_CARDS,
      total: cards.length,
    },
  };
}
