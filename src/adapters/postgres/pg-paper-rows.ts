import type { IndexRow, PaperInput, StoredPaper } from '../../core/store/paper-store.ts';

/** A `papers` row as node-postgres returns it: bigint columns come as strings. */
export interface PgPaperRow {
  id: string;
  title_key: string;
  title: string;
  authors: string;
  authors_truncated: boolean;
  affiliations: string;
  abstract: string | null;
  date: string;
  category: string | null;
  category_full: string | null;
  has_code: boolean;
  code_url: string | null;
  arxiv_id: string | null;
  venue: string | null;
  citations: number | null;
  seq: string;
  rev: string;
  first_seen_at: string;
  also_categories: string;
  arxiv_version: number | null;
  doi: string | null;
  journal_ref: string | null;
  announce: boolean;
}

export type PgIndexRow = Pick<
  PgPaperRow,
  'id' | 'rev' | 'title' | 'date' | 'category' | 'category_full' | 'also_categories' | 'has_code'
>;

export type { ProfileRow as PgProfileRow } from '../../core/store/profile-row.ts';

const parseList = (json: string): string[] => (json === '[]' ? [] : (JSON.parse(json) as string[]));

export const toStoredPaper = (row: PgPaperRow): StoredPaper => ({
  id: Number(row.id),
  title: row.title,
  authors: parseList(row.authors),
  authorsTruncated: row.authors_truncated,
  affiliations: parseList(row.affiliations),
  abstract: row.abstract,
  date: row.date,
  category: row.category,
  categoryFull: row.category_full,
  hasCode: row.has_code,
  codeUrl: row.code_url,
  arxivId: row.arxiv_id,
  venue: row.venue,
  citations: row.citations,
  seq: Number(row.seq),
  rev: Number(row.rev),
  firstSeenAt: row.first_seen_at,
  alsoCategories: parseList(row.also_categories),
  arxivVersion: row.arxiv_version,
  doi: row.doi,
  journalRef: row.journal_ref,
  announce: row.announce,
});

export const INDEX_COLUMNS = 'id, rev, title, date, category, category_full, also_categories, has_code';

export const toIndexRow = (row: PgIndexRow): IndexRow => ({
  id: Number(row.id),
  rev: Number(row.rev),
  title: row.title,
  date: row.date,
  category: row.category,
  categoryFull: row.category_full,
  alsoCategories: parseList(row.also_categories),
  hasCode: row.has_code,
});

export { toStoredProfile } from '../../core/store/profile-row.ts';

/**
 * The columns a paper is written with, in {@link PAPER_COLUMNS} order, each with its PostgreSQL array type for
 * `unnest`: one statement writes a whole batch of papers.
 */
export const PAPER_COLUMNS = [
  ['id', 'bigint'],
  ['title_key', 'text'],
  ['title', 'text'],
  ['authors', 'text'],
  ['authors_truncated', 'boolean'],
  ['affiliations', 'text'],
  ['abstract', 'text'],
  ['date', 'text'],
  ['category', 'text'],
  ['category_full', 'text'],
  ['has_code', 'boolean'],
  ['code_url', 'text'],
  ['arxiv_id', 'text'],
  ['venue', 'text'],
  ['citations', 'integer'],
  ['seq', 'bigint'],
  ['first_seen_at', 'text'],
  ['rev', 'bigint'],
  ['also_categories', 'text'],
  ['arxiv_version', 'integer'],
  ['doi', 'text'],
  ['journal_ref', 'text'],
  ['announce', 'boolean'],
] as const;

/** A paper's values in {@link PAPER_COLUMNS} order. */
export const paperValues = (paper: StoredPaper, titleKey: string): unknown[] => [
  paper.id,
  titleKey,
  paper.title,
  JSON.stringify(paper.authors),
  paper.authorsTruncated,
  JSON.stringify(paper.affiliations),
  paper.abstract,
  paper.date,
  paper.category,
  paper.categoryFull,
  paper.hasCode,
  paper.codeUrl,
  paper.arxivId,
  paper.venue,
  paper.citations,
  paper.seq,
  paper.firstSeenAt,
  paper.rev,
  JSON.stringify(paper.alsoCategories),
  paper.arxivVersion,
  paper.doi,
  paper.journalRef,
  paper.announce,
];

/** The stored fields a save replaces from an input (not seq, first-seen time or announce: set once). */
export const withInput = (stored: StoredPaper, input: PaperInput): StoredPaper => ({
  ...stored,
  title: input.title,
  authors: input.authors,
  authorsTruncated: input.authorsTruncated,
  affiliations: input.affiliations,
  abstract: input.abstract,
  date: input.date,
  category: input.category,
  categoryFull: input.categoryFull,
  hasCode: input.hasCode,
  codeUrl: input.codeUrl,
  arxivId: input.arxivId,
  venue: input.venue,
  citations: input.citations,
  arxivVersion: input.arxivVersion ?? null,
  doi: input.doi ?? null,
  journalRef: input.journalRef ?? null,
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character PostgreSQL text refuses
const NUL = /\u0000/g;

/** Text PostgreSQL can hold: it refuses NUL characters, which SQLite stores (a stray one in a corpus record). */
export const pgText = <T extends string | null | undefined>(text: T): T =>
  (typeof text === 'string' && text.includes('\u0000') ? text.replace(NUL, '') : text) as T;

/** A paper whose text PostgreSQL can hold ({@link pgText}), read as it will be stored. */
export const pgPaper = <P extends PaperInput>(paper: P): P => {
  const lists = (list: string[]) => (list.some((v) => v.includes('\u0000')) ? list.map(pgText) : list);
  return {
    ...paper,
    title: pgText(paper.title),
    authors: lists(paper.authors),
    affiliations: lists(paper.affiliations),
    abstract: pgText(paper.abstract),
    date: pgText(paper.date),
    category: pgText(paper.category),
    categoryFull: pgText(paper.categoryFull),
    codeUrl: pgText(paper.codeUrl),
    arxivId: pgText(paper.arxivId),
    venue: pgText(paper.venue),
    doi: pgText(paper.doi),
    journalRef: pgText(paper.journalRef),
  };
};
