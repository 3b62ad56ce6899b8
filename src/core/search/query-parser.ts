import { PaperboyError } from '../errors.ts';
import { checkLength, checkWordCount } from '../input-limits.ts';
import { isOnlyLinks } from '../links/recognise-links.ts';
import { toIsoDate } from '../profile/parse-profile.ts';
import { isFunctionWord, normalizeTerm, toWords } from './tokenize.ts';

/** A parsed search query. Dates are numbers `YYYYMMDD`, inclusive ranges. */
export interface SearchQuery {
  /** The query as typed. */
  text: string;
  /**
   * The words every match must hold, normalised, in query order: free words without function words (all of
   * them when the query has nothing else) and quoted single words.
   */
  terms: string[];
  /** The terms that were quoted: matched only as spelled (no typo alternatives, no completions). */
  exact: string[];
  /**
   * The free and quoted single words as typed, from the first query word to the last, function words between
   * them included: the title phrase that ranks first.
   */
  words: string[];
  /** Where each free and quoted single word is typed, `[start, end)` in `text`: for "did you mean". */
  spans: { word: string; start: number; end: number }[];
  /** Quoted phrases, each as its normalised words (stopwords kept). */
  phrases: string[][];
  /** Terms and phrases that must not occur. */
  excluded: string[][];
  authors: string[];
  categories: string[];
  affiliations: string[];
  from?: number;
  to?: number;
  hasCode?: boolean;
  /** `cites:N`: at least N citations (the service's count, else the record's; papers without one never match). */
  minCitations?: number;
  sort: 'relevance' | 'date' | 'citations';
}

// A run of word characters, as `toWords` splits them (docs/search.md, "Words of a text").
const WORD_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

export const FILTERS = ['author', 'by', 'cat', 'aff', 'year', 'since', 'before', 'has', 'cites', 'sort'] as const;
type Filter = (typeof FILTERS)[number];

const invalid = (text: string, position: number, message: string): never => {
  throw new PaperboyError(
    'invalid_query',
    `invalid query at position ${position + 1}: ${message} (query: ${JSON.stringify(text)})`,
  );
};

interface Token {
  position: number;
  /** Where `value` begins in the text. */
  start: number;
  negated: boolean;
  key?: string;
  value: string;
  quoted: boolean;
}

/** True for `scheme://…` and for a paper link or id such as `arXiv:2604.19544` or `doi:10.1038/x`. */
function isLinkWord(word: string, colon: number): boolean {
  if (word.startsWith('//', colon + 1)) return true;
  return !(FILTERS as readonly string[]).includes(word.slice(0, colon).toLowerCase()) && isOnlyLinks(word);
}

/** Splits a query into words, `"phrases"`, `-excluded` and `key:value` tokens. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readQuoted = (start: number): string => {
    const end = text.indexOf('"', start + 1);
    if (end < 0) invalid(text, start, 'this quote is never closed. Add the closing ".');
    const value = text.slice(start + 1, end);
    i = end + 1;
    return value;
  };
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    const position = i;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1] as string)) {
      negated = true;
      i++;
    }
    if (text[i] === '"') {
      tokens.push({ position, start: i + 1, negated, value: readQuoted(i), quoted: true });
      continue;
    }
    const word = /^[^\s"]+/.exec(text.slice(i))?.[0] ?? '';
    const colon = word.indexOf(':');
    // A link (`https://…`, `arXiv:2604.19544`, `doi:10.…`) is words, never a filter.
    if (colon > 0 && /^[a-z]+$/i.test(word.slice(0, colon)) && !isLinkWord(word, colon)) {
      const key = word.slice(0, colon).toLowerCase();
      i += colon + 1;
      if (text[i] === '"') tokens.push({ position, start: i + 1, negated, key, value: readQuoted(i), quoted: true });
      else {
        const value = /^[^\s"]*/.exec(text.slice(i))?.[0] ?? '';
        tokens.push({ position, start: i, negated, key, value, quoted: false });
        i += value.length;
      }
      continue;
    }
    tokens.push({ position, start: i, negated, value: word, quoted: false });
    i += word.length;
  }
  return tokens;
}

/** `2024`, `2024-03` or `2024-03-05` as the first or last day it covers, `YYYYMMDD`. */
function parseDateBound(text: string, position: number, value: string, edge: 'start' | 'end'): number {
  const match = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(value);
  if (!match) return invalid(text, position, `expected a date like 2024 or 2024-01-31, got "${value}".`);
  const year = Number(match[1]);
  const month = match[2] === undefined ? (edge === 'start' ? 1 : 12) : Number(match[2]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = match[3] === undefined ? (edge === 'start' ? 1 : lastDay) : Number(match[3]);
  if (toIsoDate(year, month, day) === undefined) invalid(text, position, `"${value}" is not a real date.`);
  return year * 10000 + month * 100 + day;
}

/**
 * Parses the search query language: free words, `"exact phrase"`, `-excluded`, `author:"Name"` (or `by:`),
 * `cat:CL`, `aff:anthropic`, `year:2023`, `since:2024-01-01`, `before:2025`, `has:code`, `cites:100`,
 * `sort:date|relevance|citations`.
 *
 * @throws PaperboyError `invalid_query` naming the position and how to fix it, or saying the query is too long
 * @example
 * parseQuery('reward hacking by:"Deep Ganguli" since:2023');
 */
export function parseQuery(text: string): SearchQuery {
  checkLength('query', text);
  const query: SearchQuery = {
    text,
    terms: [],
    exact: [],
    words: [],
    spans: [],
    phrases: [],
    excluded: [],
    authors: [],
    categories: [],
    affiliations: [],
    sort: 'relevance',
  };
  const words: { word: string; quoted: boolean }[] = [];
  for (const token of lex(text)) {
    if (token.key === undefined) {
      // Phrases keep every word: "theory of mind" must match those words in that order.
      const tokenWords = toWords(token.value);
      if (tokenWords.length === 0) continue;
      if (token.negated) query.excluded.push(tokenWords);
      else if (token.quoted && tokenWords.length > 1) query.phrases.push(tokenWords);
      else {
        for (const word of tokenWords) words.push({ word, quoted: token.quoted });
        for (const run of token.value.matchAll(WORD_RUN)) {
          const word = normalizeTerm(run[0]);
          const start = token.start + run.index;
          if (word !== '') query.spans.push({ word, start, end: start + run[0].length });
        }
      }
      continue;
    }
    if (!(FILTERS as readonly string[]).includes(token.key)) {
      invalid(
        text,
        token.position,
        `unknown filter "${token.key}:". Known filters: ${FILTERS.map((f) => `${f}:`).join(' ')}.`,
      );
    }
    if (token.negated) invalid(text, token.position, `a filter cannot be excluded with "-". Remove the "-".`);
    const value = token.value.trim();
    if (value === '')
      invalid(
        text,
        token.position,
        `"${token.key}:" needs a value, like ${token.key}:${example(token.key as Filter)}.`,
      );
    applyFilter(query, token.key as Filter, value, token.position);
  }
  // Function words need not match, unless quoted or unless the query is made of nothing else.
  const onlyFunctionWords = words.every((w) => !w.quoted && isFunctionWord(w.word));
  const terms = new Set<string>();
  const exact = new Set<string>();
  for (const { word, quoted } of words) {
    if (quoted || onlyFunctionWords || !isFunctionWord(word)) terms.add(word);
    if (quoted) exact.add(word);
  }
  query.terms = [...terms];
  // The title phrase runs from the first query word to the last: "papers about theory of mind in LLMs" gives
  // "theory of mind in llms".
  const typed = words.map((w) => w.word);
  const first = typed.findIndex((w) => terms.has(w));
  const last = typed.findLastIndex((w) => terms.has(w));
  query.words = first < 0 ? [] : typed.slice(first, last + 1);
  query.exact = [...exact];
  checkWordCount(query.terms.length + query.phrases.flat().length + query.excluded.flat().length);
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    invalid(text, 0, 'the date range is empty: "since" is after "before". Swap them.');
  }
  return query;
}

function example(key: Filter): string {
  const examples: Record<Filter, string> = {
    author: '"Deep Ganguli"',
    by: '"Deep Ganguli"',
    cat: 'CL',
    aff: 'anthropic',
    year: '2023',
    since: '2024-01-01',
    before: '2025',
    has: 'code',
    cites: '100',
    sort: 'date',
  };
  return examples[key];
}

function applyFilter(query: SearchQuery, key: Filter, value: string, position: number): void {
  const { text } = query;
  switch (key) {
    case 'author':
    case 'by':
      query.authors.push(value);
      return;
    case 'cat':
      query.categories.push(normalizeTerm(value));
      return;
    case 'aff':
      query.affiliations.push(value);
      return;
    case 'year': {
      if (!/^\d{4}$/.test(value)) invalid(text, position, `expected a year like year:2023, got "${value}".`);
      narrow(query, Number(value) * 10000 + 101, Number(value) * 10000 + 1231);
      return;
    }
    case 'since':
      narrow(query, parseDateBound(text, position, value, 'start'), undefined);
      return;
    case 'before':
      // "before:2025" means before 2025 began.
      narrow(query, undefined, dayBefore(parseDateBound(text, position, value, 'start')));
      return;
    case 'has':
      if (normalizeTerm(value) !== 'code') invalid(text, position, `only has:code is known, got "has:${value}".`);
      query.hasCode = true;
      return;
    case 'cites': {
      if (!/^\d{1,9}$/.test(value))
        invalid(text, position, `expected a number of citations like cites:100, got "${value}".`);
      query.minCitations = Math.max(query.minCitations ?? 0, Number(value));
      return;
    }
    case 'sort': {
      const sort = normalizeTerm(value);
      if (sort !== 'date' && sort !== 'relevance' && sort !== 'citations')
        invalid(text, position, `sort is date, relevance or citations, got "${value}".`);
      query.sort = sort as SearchQuery['sort'];
      return;
    }
  }
}

function dayBefore(day: number): number {
  const date = new Date(Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, (day % 100) - 1));
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

function narrow(query: SearchQuery, from: number | undefined, to: number | undefined): void {
  if (from !== undefined) query.from = Math.max(query.from ?? 0, from);
  if (to !== undefined) query.to = Math.min(query.to ?? 99999999, to);
}

/** True when the query asks for something: words, phrases or filters. */
export const isEmptyQuery = (q: SearchQuery): boolean =>
  q.terms.length + q.phrases.length + q.authors.length + q.categories.length + q.affiliations.length === 0 &&
  q.from === undefined &&
  q.to === undefined &&
  q.hasCode === undefined &&
  q.minCitations === undefined;
