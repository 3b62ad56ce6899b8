import type { SearchHit } from '../search/search.ts';
import { normalizeTerm } from '../search/tokenize.ts';
import { fromLatex } from '../text.ts';
import type { CardLink, PaperCard, Segment } from './reply.ts';

const SNIPPET_CHARS = 280;

/**
 * Each path segment encoded, the slashes kept (old arXiv ids, `hep-th/9901001`, and DOIs hold slashes), and
 * parentheses too (DOIs hold them), which would end a Markdown link early.
 */
const encodePath = (path: string): string =>
  path
    .split('/')
    .map((part) =>
      encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');

interface Linkable {
  arxivId: string | null;
  doi?: string | null;
  title: string;
}

/** A paper's own links: its arXiv abstract page and PDF when it has an arXiv id, its DOI's page when it has one. */
export function paperLinks(paper: Linkable): CardLink[] {
  const links: CardLink[] = [];
  if (paper.arxivId) {
    links.push({ label: 'arXiv', url: `https://arxiv.org/abs/${encodePath(paper.arxivId)}` });
    links.push({ label: 'PDF', url: `https://arxiv.org/pdf/${encodePath(paper.arxivId)}` });
  }
  if (paper.doi) links.push({ label: 'DOI', url: `https://doi.org/${encodePath(paper.doi)}` });
  return links;
}

/**
 * Where a paper lives on the web: its arXiv page when known, else its DOI's page, else a search for its title
 * (its first 200 characters: a title from bad data can be 40,000 long, and platforms refuse links of that size).
 */
export function paperUrl(paper: Linkable): string {
  const [own] = paperLinks(paper);
  if (own) return own.url;
  return `https://www.google.com/search?q=${encodeURIComponent(`"${paper.title.slice(0, 200)}"`)}`;
}

/**
 * Cuts an abstract to a snippet around the first matched term and marks every matched word.
 * A word matches when, case and accents aside, it is a matched term or starts with one (prefix search).
 */
export function toSnippet(text: string | null, terms: readonly string[], max = SNIPPET_CHARS): Segment[] {
  if (!text) return [];
  const flat = fromLatex(text).replace(/\s+/g, ' ').trim();
  const wanted = new Set(terms.map(normalizeTerm));
  const isMatch = (word: string) => {
    const normal = normalizeTerm(word);
    return normal.length > 0 && (wanted.has(normal) || [...wanted].some((t) => t.length >= 3 && normal.startsWith(t)));
  };
  const words = [...flat.matchAll(/[\p{L}\p{N}]+/gu)];
  const firstHit = words.find((w) => isMatch(w[0]))?.index ?? 0;
  let start = firstHit > max / 2 ? flat.lastIndexOf(' ', firstHit - max / 4) + 1 : 0;
  if (start < 0) start = 0;
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) end = Math.max(start + 1, flat.lastIndexOf(' ', end));
  const segments: Segment[] = [];
  const push = (value: string, marked: boolean) => {
    if (!value) return;
    const last = segments.at(-1);
    if (last && last.marked === marked) last.text += value;
    else segments.push({ text: value, marked });
  };
  if (start > 0) push('… ', false);
  let at = start;
  for (const word of words) {
    const from = word.index ?? 0;
    if (from < start) continue;
    if (from + word[0].length > end) break;
    if (isMatch(word[0])) {
      push(flat.slice(at, from), false);
      push(word[0], true);
      at = from + word[0].length;
    }
  }
  push(flat.slice(at, end), false);
  if (end < flat.length) push(' …', false);
  return segments;
}

/** A search hit as a card, with the query's terms marked in its snippet. */
export function toPaperCard(hit: SearchHit): PaperCard {
  const { paper } = hit;
  return {
    id: paper.id,
    title: paper.title,
    url: paperUrl(paper),
    links: paperLinks(paper),
    authors: paper.authors,
    authorsTruncated: paper.authorsTruncated,
    affiliations: paper.affiliations,
    date: paper.date,
    category: paper.category,
    hasCode: paper.hasCode,
    codeUrl: paper.codeUrl,
    snippet: toSnippet(paper.abstract, hit.matchedTerms),
    profiles: hit.profiles,
    moreLikeThis: { type: 'more', paperId: paper.id, page: 1 },
    ...(paper.citations !== null ? { citations: { count: paper.citations, source: null, fetchedAt: null } } : {}),
  };
}
