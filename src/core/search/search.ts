import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import { allInTitle, anyOf, combine, excludedExpression, phraseInText, quote } from './fts-expression.ts';
import type { PaperFacts, PaperIndex } from './paper-index.ts';
import { isEmptyQuery, parseQuery, type SearchQuery } from './query-parser.ts';
import { planWords, type WordPlan } from './spellings.ts';
import { toTerms, toWords } from './tokenize.ts';

export interface SearchHit {
  paper: StoredPaper;
  /** BM25 over all fields (title 3, authors 2, affiliations 1, abstract 1); 0 for filter-only queries. */
  score: number;
  /** Normalised terms that matched, for highlighting (typo-corrected and completed ones included). */
  matchedTerms: string[];
  /** Names of the profiles that list the paper. */
  profiles: string[];
}

export interface SearchPage {
  query: string;
  /** The exact number of papers the query answers with; paging reaches every one. */
  total: number;
  /** True when no paper held every word and the answer is the papers holding most of them. */
  relaxed: boolean;
  /** 1-based page number and size. */
  page: number;
  pageSize: number;
  results: SearchHit[];
  /** Opaque cursors for the next and previous pages, when there are such pages. */
  nextCursor?: string;
  prevCursor?: string;
  /** A corrected query when no paper holds every word and a close spelling exists. */
  didYouMean?: string;
}

export interface PageRequest {
  pageSize?: number;
  /** 1-based; ignored when `cursor` is given. */
  page?: number;
  cursor?: string;
}

interface Ranked {
  id: number;
  score: number;
  /** 2: every word in the title, side by side in order; 1: every word in the title; 0: otherwise. */
  tier: number;
  /** How many of the query's words the paper holds (relaxed answers only). */
  held: number;
  date: number;
}

const DEFAULT_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 100;
// More spelling combinations than this are checked against the titles themselves instead of by FTS5 phrases.
const MAX_PHRASE_COMBINATIONS = 32;

export const encodeCursor = (offset: number, pageSize: number): string =>
  Buffer.from(JSON.stringify([offset, pageSize])).toString('base64url');

function decodeCursor(cursor: string): { offset: number; pageSize: number } | undefined {
  try {
    const [offset, pageSize] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (Number.isInteger(offset) && Number.isInteger(pageSize))
      return { offset: offset as number, pageSize: pageSize as number };
  } catch {
    // An unreadable cursor starts from the first page.
  }
  return undefined;
}

/** Every way to spell the words in order, at most `max`; undefined when there are more. */
function combinations(groups: readonly string[][], max: number): string[][] | undefined {
  let out: string[][] = [[]];
  for (const group of groups) {
    out = out.flatMap((prefix) => group.map((s) => [...prefix, s]));
    if (out.length > max) return undefined;
  }
  return out;
}

/** Ranking order (docs/search.md): words held, then the title tiers, then BM25; ties newer first, then id. */
const byRelevance = (a: Ranked, b: Ranked) =>
  b.held - a.held || b.tier - a.tier || b.score - a.score || b.date - a.date || a.id - b.id;
const byDate = (a: Ranked, b: Ranked) => b.date - a.date || a.id - b.id;

/**
 * Paperboy's search over the store's full-text index (SQLite FTS5: every match, filters and phrases inside
 * the match, BM25) and the in-memory title index (spelling alternatives, completions, filter facts).
 * The rules are the contract in docs/search.md.
 */
export function createSearch({ index, store }: { index: PaperIndex; store: PaperStore }) {
  const factsOk = (query: SearchQuery, facts: PaperFacts | undefined) =>
    facts !== undefined &&
    (query.categories.length === 0 || query.categories.some((c) => facts.categories.includes(c))) &&
    (query.from === undefined || facts.to >= query.from) &&
    (query.to === undefined || facts.from <= query.to) &&
    (query.hasCode === undefined || facts.hasCode === query.hasCode);

  /** Papers passing every `author:` filter (listed author as a phrase, or a listing profile's owner). */
  function authorIds(query: SearchQuery): Set<number> | undefined {
    let ids: Set<number> | undefined;
    for (const author of query.authors) {
      const words = toWords(author);
      const these = new Set(store.paperIdsOfProfile(author));
      if (words.length) for (const id of store.matchText(`authors : ${quote(words)}`)) these.add(id);
      ids = ids ? new Set([...ids].filter((id) => these.has(id))) : these;
    }
    return ids;
  }

  /** The FTS5 parts every match needs besides its words: phrases and affiliations; and what it must not hold. */
  function textConstraints(query: SearchQuery) {
    const positive = [
      ...query.phrases.map(phraseInText),
      ...query.affiliations.map((aff) => `affiliations : ${quote(toWords(aff))}`),
    ];
    return {
      positive,
      negative: query.excluded.map(excludedExpression),
      impossible: query.affiliations.some((a) => toWords(a).length === 0),
    };
  }

  /** Ids passing the non-text filters, from a candidate list. */
  function keep(
    query: SearchQuery,
    ids: Iterable<number>,
    authors: Set<number> | undefined,
    skip: ReadonlySet<number>,
  ) {
    const out: number[] = [];
    for (const id of ids) {
      if (skip.has(id) || (authors && !authors.has(id))) continue;
      if (factsOk(query, index.facts.get(id))) out.push(id);
    }
    return out;
  }

  /** Marks the papers holding every word in their title (tier 1), side by side in order too (tier 2). */
  function setTiers(byId: Map<number, Ranked>, groups: string[][]) {
    if (groups.length === 0 || byId.size === 0) return;
    const inTitle = store.matchText(allInTitle(groups)).filter((id) => byId.has(id));
    for (const id of inTitle) (byId.get(id) as Ranked).tier = 1;
    if (groups.length < 2 || inTitle.length === 0) return;
    const combos = combinations(groups, MAX_PHRASE_COMBINATIONS);
    if (combos) {
      for (const id of store.matchText(`title : (${combos.map(quote).join(' OR ')})`)) {
        const entry = byId.get(id);
        if (entry?.tier === 1) entry.tier = 2;
      }
      return;
    }
    for (const paper of store.getPapers(inTitle)) {
      const words = toWords(paper.title);
      const at = words.some((_, start) => groups.every((g, k) => g.includes(words[start + k] as string)));
      if (at) (byId.get(paper.id) as Ranked).tier = 2;
    }
  }

  /**
   * Every paper the query answers with, ranked: the strict rule, or, when nothing holds every word of a
   * query of several words, the relaxed one (papers holding some of the words, most first).
   */
  function rank(
    query: SearchQuery,
    plans: WordPlan[],
    options: { skip?: ReadonlySet<number>; mode: 'strict' | 'relax' | 'some' },
  ) {
    index.sync();
    const skip = options.skip ?? new Set<number>();
    const authors = authorIds(query);
    const text = textConstraints(query);
    const groups = plans.map((p) => p.spellings);
    const date = (id: number) => index.facts.get(id)?.to ?? 0;
    const entry = (id: number, score: number): Ranked => ({ id, score, tier: 0, held: 0, date: date(id) });
    const sortBy =
      query.sort === 'date' || (query.terms.length === 0 && query.phrases.length === 0) ? byDate : byRelevance;
    if (text.impossible) return { ranked: [] as Ranked[], relaxed: false };

    const positive = [...groups.map(anyOf), ...text.positive];
    let ranked: Ranked[] = [];
    if (options.mode !== 'some' && groups.every((g) => g.length > 0)) {
      if (positive.length > 0) {
        const matches = store.scoreText(combine(positive, text.negative));
        const scores = new Map(matches.map((m) => [m.id, m.score]));
        const byId = new Map(
          keep(query, scores.keys(), authors, skip).map((id) => [id, entry(id, scores.get(id) ?? 0)]),
        );
        setTiers(byId, groups);
        ranked = [...byId.values()];
      } else {
        const excluded = text.negative.length
          ? new Set(store.matchText(text.negative.join(' OR ')))
          : new Set<number>();
        const all = keep(query, authors ?? index.facts.keys(), undefined, skip).filter((id) => !excluded.has(id));
        ranked = all.map((id) => entry(id, 0));
      }
    }
    if (ranked.length > 0 || options.mode === 'strict' || (options.mode === 'relax' && groups.length < 2))
      return { ranked: ranked.sort(sortBy), relaxed: false };

    // No paper holds every word: answer with those holding most of them (filters, phrases, exclusions still apply).
    const known = groups.filter((g) => g.length > 0);
    if (known.length === 0) return { ranked, relaxed: false };
    const either = `(${known.map(anyOf).join(' OR ')})`;
    const matches = store.scoreText(combine([either, ...text.positive], text.negative));
    const scores = new Map(matches.map((m) => [m.id, m.score]));
    const ids = keep(query, scores.keys(), authors, skip);
    const byId = new Map(ids.map((id) => [id, entry(id, scores.get(id) ?? 0)]));
    for (const group of known) {
      for (const id of store.matchText(anyOf(group), ids.length < 2000 ? ids : undefined)) {
        const found = byId.get(id);
        if (found) found.held++;
      }
    }
    ranked = [...byId.values()].sort(sortBy);
    return { ranked, relaxed: ranked.length > 0 };
  }

  function toPage(query: SearchQuery, ranked: Ranked[], relaxed: boolean, terms: string[], request: PageRequest) {
    const fromCursor = request.cursor ? decodeCursor(request.cursor) : undefined;
    const pageSize = Math.min(
      MAX_PAGE_SIZE,
      Math.max(1, fromCursor?.pageSize ?? request.pageSize ?? DEFAULT_PAGE_SIZE),
    );
    const offset = Math.max(0, fromCursor?.offset ?? ((request.page ?? 1) - 1) * pageSize);
    const slice = ranked.slice(offset, offset + pageSize);
    const papers = store.getPapers(slice.map((r) => r.id));
    const owners = store.profileNamesFor(slice.map((r) => r.id));
    const highlight = [...terms, ...query.phrases.flat()];
    const results = papers.map((paper, i) => ({
      paper,
      score: slice[i]?.score ?? 0,
      matchedTerms: highlight,
      profiles: owners.get(paper.id) ?? [],
    }));
    const page: SearchPage = {
      query: query.text,
      total: ranked.length,
      relaxed,
      page: Math.floor(offset / pageSize) + 1,
      pageSize,
      results,
    };
    if (offset + pageSize < ranked.length) page.nextCursor = encodeCursor(offset + pageSize, pageSize);
    if (offset > 0) page.prevCursor = encodeCursor(Math.max(0, offset - pageSize), pageSize);
    return page;
  }

  function didYouMean(query: SearchQuery, plans: WordPlan[]): string | undefined {
    let text = query.text;
    let changed = false;
    for (const plan of plans) {
      if (!plan.unknown) continue;
      const suggestion = index.typos(plan.word, 1)[0];
      if (!suggestion) continue;
      text = text.replace(new RegExp(plan.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), suggestion);
      changed = true;
    }
    return changed ? text : undefined;
  }

  return {
    /**
     * Searches with the query language and returns one page of ranked results.
     * @throws PaperboyError `invalid_query` for a query that does not parse
     */
    search(text: string, request: PageRequest = {}): SearchPage {
      const query = parseQuery(text);
      if (isEmptyQuery(query) && query.excluded.length === 0) return toPage(query, [], false, [], request);
      const plans = planWords(query, index, store);
      const { ranked, relaxed } = rank(query, plans, { mode: 'relax' });
      const page = toPage(
        query,
        ranked,
        relaxed,
        plans.flatMap((p) => p.spellings),
        request,
      );
      if (page.total === 0 || relaxed) {
        const suggestion = didYouMean(query, plans);
        if (suggestion) page.didYouMean = suggestion;
      }
      return page;
    },

    /**
     * The papers among `ids` that match a query by the strict rule (every word, every phrase and filter, no
     * excluded word); never relaxed. For digests and watches, where each new paper must be judged, not ranked.
     * @throws PaperboyError `invalid_query`
     */
    filterMatching(text: string, ids: readonly number[]): number[] {
      const query = parseQuery(text);
      index.sync();
      const plans = planWords(query, index, store);
      if (plans.some((p) => p.spellings.length === 0)) return [];
      const constraints = textConstraints(query);
      if (constraints.impossible) return [];
      const authors = authorIds(query);
      const candidates = keep(query, ids, authors, new Set());
      const positive = [...plans.map((p) => anyOf(p.spellings)), ...constraints.positive];
      if (positive.length > 0) {
        const matching = new Set(store.matchText(combine(positive, constraints.negative), candidates));
        return candidates.filter((id) => matching.has(id));
      }
      if (constraints.negative.length === 0) return candidates;
      const excluded = new Set(store.matchText(constraints.negative.join(' OR '), candidates));
      return candidates.filter((id) => !excluded.has(id));
    },

    /** Papers like the given one (sharing most words of its title), itself left out. Undefined for an unknown id. */
    moreLikeThis(paperId: number, request: PageRequest = {}): SearchPage | undefined {
      const [paper] = store.getPapers([paperId]);
      if (!paper) return undefined;
      const query = parseQuery('');
      query.text = `like:${paperId}`;
      query.terms = [...new Set(toTerms(paper.title))];
      const plans = query.terms.map((word) => ({ word, spellings: [word], unknown: false }));
      const { ranked } = rank(query, plans, { skip: new Set([paperId]), mode: 'some' });
      return { ...toPage(query, ranked, false, query.terms, request), relaxed: false };
    },
  };
}

export type Search = ReturnType<typeof createSearch>;
