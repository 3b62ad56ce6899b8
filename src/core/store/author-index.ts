import { INPUT_LIMITS } from '../input-limits.ts';
import { toMatchKey } from '../text.ts';
import type { PaperInput } from './paper-store.ts';

/** One name of the author index with how many stored papers list it. */
export interface AuthorName {
  /** The name as a paper spells it (the first spelling stored). */
  name: string;
  /** {@link toAuthorKey} of the name. */
  key: string;
  papers: number;
}

/** Where the names near a query are looked for (see {@link AuthorIndex.candidates}). */
export interface AuthorProbe {
  /** The query's surname key: names with exactly this surname. */
  surname: string;
  /** Names whose surname starts with this and whose key starts with `initial` (typos past the first letters). */
  surnamePrefix: string;
  initial: string;
  /** Also names whose key starts with this (autocomplete: `aman` for Amanda Askell); absent for none. */
  keyPrefix?: string;
}

/**
 * The index of every name listed on a paper (docs/authors.md): a table on each engine, kept by every paper write
 * (insert or update) in the same transaction, so it always agrees with the papers.
 */
export interface AuthorIndex {
  /** The name stored under this key (see {@link toAuthorKey}), with its paper count. */
  find(key: string): Promise<AuthorName | undefined>;
  /** Ids of the papers listing the name with this key, any order. */
  paperIds(key: string): Promise<number[]>;
  /** Names near a probe, each with its paper count, at most `limit` per way of finding them. */
  candidates(probe: AuthorProbe, limit: number): Promise<AuthorName[]>;
}

/** The identity of a listed name: case, accents, punctuation and spacing folded (`Dan Júrafsky` = `dan jurafsky`). */
export const toAuthorKey = (name: string): string => toMatchKey(name);

/**
 * The key of a name's surname: its last space-separated word, folded (`Zac Hatfield-Dodds` -> `hatfield dodds`).
 * A name written without spaces (as CJK names are) is its own surname.
 */
export function toSurnameKey(name: string): string {
  const words = name.trim().split(/\s+/);
  return toMatchKey(words[words.length - 1] ?? '');
}

/** One row of the author index: a name on a paper, each name once per paper. */
export interface AuthorRow {
  key: string;
  name: string;
  surname: string;
}

/**
 * The rows a paper puts in the author index: its listed names, each once; empty ones and ones longer than a name
 * may be asked for (`INPUT_LIMITS.name`) are left out.
 */
export function toAuthorRows(paper: Pick<PaperInput, 'authors'>): AuthorRow[] {
  const rows = new Map<string, AuthorRow>();
  for (const name of paper.authors) {
    const key = toAuthorKey(name);
    if (key === '' || name.length > INPUT_LIMITS.name || rows.has(key)) continue;
    rows.set(key, { key, name, surname: toSurnameKey(name) || key });
  }
  return [...rows.values()];
}
