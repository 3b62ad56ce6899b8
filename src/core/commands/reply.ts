/**
 * The neutral reply model: what every command answers, whatever the platform. Adapters render it
 * (terminal text, Discord embeds, Slack blocks); nothing here knows any of them.
 */

/** A piece of text, marked when it matched the query (renderers make it bold or coloured). */
export interface Segment {
  text: string;
  marked: boolean;
}

/** Something a button can ask for later, even after a restart: everything needed travels in it. */
export type Action =
  /** `ref` names a saved copy of a long query, so the action fits in a button id (the query may then be empty). */
  | { type: 'page'; query: string; page: number; ref?: string }
  | { type: 'more'; paperId: number; page: number }
  | { type: 'author'; name: string }
  /** Reading list: save a paper, cite it, remove it from the list, show a page of the list. */
  | { type: 'save'; paperId: number }
  | { type: 'cite'; paperId: number }
  | { type: 'unsave'; paperId: number; page: number }
  | { type: 'saved'; page: number }
  /** For you: Like and Not interested on any card, a page of `/foryou`. */
  | { type: 'like'; paperId: number }
  | { type: 'dismiss'; paperId: number }
  | { type: 'foryou'; page: number };

/** A labelled link of a card: the arXiv abstract page, its PDF, the DOI. */
export interface CardLink {
  label: 'arXiv' | 'PDF' | 'DOI';
  url: string;
}

export interface PaperCard {
  id: number;
  title: string;
  /** The arXiv abstract page when the id is known, else the DOI's page, else a web search for the title. */
  url: string;
  /**
   * The paper's own links (arXiv page and PDF, DOI), in that order; empty or absent for a paper with neither id
   * nor DOI (its `url` is then a search).
   */
  links?: CardLink[];
  authors: string[];
  /** True when the list is cut short ("et al."). */
  authorsTruncated: boolean;
  affiliations: string[];
  date: string;
  category: string | null;
  hasCode: boolean;
  codeUrl: string | null;
  /** The abstract's opening (or the part around the first match), matched terms marked. */
  snippet: Segment[];
  /** Names of the profiles that list the paper. */
  profiles: string[];
  moreLikeThis: Action;
  /** On `/foryou` cards and ranked digests: the terms that pushed the paper up (docs/foryou.md). */
  why?: string[];
  /** On the cards of a reading list: the action that removes the paper from it (the card then offers no Save). */
  remove?: Action;
  /** How often it is cited: a service's count (with its source and date) where one is stored, else the record's. */
  citations?: CardCitations;
  /** A one-sentence summary (Semantic Scholar's TL;DR), shown as the card's first line; the snippet stays. */
  tldr?: string;
}

/** A card's citation count and where it comes from (`source` null: the paper's own record). */
export interface CardCitations {
  count: number;
  source: string | null;
  /** ISO time the service was asked; null for the record's own count. */
  fetchedAt: string | null;
}

export interface PageInfo {
  /** The action that shows this very page again (to share it, or to refresh it). */
  current: Action;
  page: number;
  pageSize: number;
  total: number;
  previous?: Action;
  next?: Action;
}

/** The figures of an author's profile page, as the page shows them (null where it shows none). */
export interface ProfileFigures {
  hIndex: number | null;
  paperCount: number | null;
  citationCount: number | null;
  category: string | null;
  novelty: number | null;
  aiScore: number | null;
}

/** An author's card: what the index knows of everyone a paper lists, and their page's own figures apart. */
export interface AuthorCard {
  name: string;
  /** The profile page's figures, or null when the author has no page. */
  profile: ProfileFigures | null;
  papers: number;
  /** Null only for a profile owner whose papers carry no year. */
  firstYear: number | null;
  lastYear: number | null;
  /** Years with papers, oldest first. */
  perYear: { year: number; papers: number }[];
  categories: { name: string; papers: number }[];
  venues: { name: string; papers: number }[];
  /** The affiliations listed on their papers, most frequent first. */
  affiliations: string[];
  /** Most shared papers first. */
  coAuthors: { name: string; papers: number }[];
  /** How many of the papers have code. */
  withCode: number;
  /** Sum of the papers' citation counts; null when no paper has one. */
  citations: number | null;
  papersWithCitations: number;
  hIndex: number | null;
  /** The papers fall into groups with no shared co-author and different categories: maybe several people. */
  mayBeSeveral: boolean;
  latest: { id: number; title: string; date: string }[];
  /**
   * Figures a service holds for the author (OpenAlex, when the name resolved to one author with papers in common),
   * labelled by source, beside the index's own.
   */
  external?: { source: string; hIndex: number | null; citations: number | null; fetchedAt: string }[];
}

export interface HelpEntry {
  usage: string;
  description: string;
  examples: string[];
}

export type Reply =
  | {
      kind: 'papers';
      heading: string;
      cards: PaperCard[];
      page: PageInfo;
      didYouMean?: string;
      /** No paper holds every word: the cards hold most of them. Renderers show {@link RELAXED_LINE}. */
      relaxed?: boolean;
      /** Query words the relaxed answer did not count: too common for the work budget (docs/search.md). */
      wordsLeftOut?: string[];
    }
  | { kind: 'author'; card: AuthorCard }
  | { kind: 'compare'; cards: [AuthorCard, AuthorCard] }
  | { kind: 'choices'; message: string; options: { label: string; action: Action }[] }
  | { kind: 'help'; intro: string; commands: HelpEntry[] }
  | { kind: 'notice'; text: string }
  /**
   * BibTeX entries (`/cite`, `/saved export`). With `filename`, adapters deliver it as a file (a Slack upload, a
   * Discord attachment); the terminal prints it either way.
   */
  | { kind: 'bibtex'; text: string; bibtex: string; filename?: string }
  | { kind: 'error'; code: string; message: string };

/** What a relaxed answer says above its papers, on every platform. */
export const RELAXED_LINE = 'No paper has all of the words; these have most of them.';

/** The relaxed line, naming the words left out of the count when the work budget left some out. */
export const relaxedLine = (wordsLeftOut: readonly string[] = []): string =>
  wordsLeftOut.length === 0
    ? RELAXED_LINE
    : `${RELAXED_LINE} Too common to count: ${wordsLeftOut.map((w) => `“${w}”`).join(', ')}.`;
