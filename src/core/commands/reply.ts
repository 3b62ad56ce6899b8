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
  /** Reading list (issue 14): save a paper, cite it, remove it from the list, show a page of the list. */
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

export interface AuthorCard {
  name: string;
  category: string | null;
  hIndex: number | null;
  paperCount: number | null;
  citationCount: number | null;
  novelty: number | null;
  aiScore: number | null;
  /** What the index knows beyond the page. */
  indexed: {
    papers: number;
    perYear: { year: string; papers: number }[];
    topCategories: { name: string; papers: number }[];
    coAuthors: { name: string; papers: number }[];
    affiliations: { name: string; papers: number }[];
    /** Share of indexed papers with code, 0..1. */
    withCode: number;
    latest: { id: number; title: string; date: string }[];
  };
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
