import type { AuthorCard, PaperCard, Reply } from '../../src/core/commands/reply.ts';

/** A paper card as the chat core makes them, with whatever fields a test overrides. */
export const paperCard = (over: Partial<PaperCard> = {}): PaperCard => ({
  id: 7,
  title: 'A plain title',
  url: 'https://arxiv.org/abs/2401.00001',
  authors: ['Ann', 'Bob'],
  authorsTruncated: false,
  affiliations: ['lab'],
  date: '2024-01-02',
  category: 'CL',
  hasCode: false,
  codeUrl: null,
  snippet: [{ text: 'An abstract.', marked: false }],
  profiles: ['Ann'],
  moreLikeThis: { type: 'more', paperId: 7, page: 1 },
  ...over,
});

/** A one-page answer holding `cards`. */
export const papersReply = (cards: PaperCard[], heading = 'Papers for “x”'): Reply => ({
  kind: 'papers',
  heading,
  cards,
  page: { current: { type: 'page', query: 'x', page: 1 }, page: 1, pageSize: cards.length, total: cards.length },
});

/** How many times `char` appears with no backslash escaping it (an even run of backslashes before it). */
export function unescaped(text: string, char: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== char) continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) count++;
  }
  return count;
}

/** An author card with one paper of everything; `overrides` replace fields. */
export const authorCard = (overrides: Partial<AuthorCard> = {}): AuthorCard => ({
  name: 'Ada Example',
  profile: null,
  papers: 1,
  firstYear: 2024,
  lastYear: 2024,
  perYear: [{ year: 2024, papers: 1 }],
  categories: [{ name: 'cs.CL', papers: 1 }],
  venues: [],
  affiliations: [],
  coAuthors: [],
  withCode: 0,
  citations: null,
  papersWithCitations: 0,
  hIndex: null,
  mayBeSeveral: false,
  latest: [],
  ...overrides,
});
