import { refreshPaperFeatures } from '../foryou/paper-features.ts';
import type { TasteStore } from '../foryou/taste-store.ts';
import {
  cosine,
  type DocumentFrequencies,
  featuresFromBytes,
  packFeatures,
  paperText,
  toTfidf,
} from '../foryou/text-features.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import { allInTitle, anyOf, combine, excludedExpression, phraseInText, quote } from './fts-expression.ts';
import { compareText, type PaperIndex } from './paper-index.ts';
import { isEmptyQuery, parseQuery, type SearchQuery } from './query-parser.ts';
import { planWords, WordForms, type WordPlan } from './spellings.ts';
import { stemOf } from './stem.ts';
import type { TextIndex } from './text-index.ts';
import { toTerms, toWords } from './tokenize.ts';

/** Where `cites:` and `sort:citations` read citation counts (the enrichment store). */
export interface CitationCounts {
  /** Every paper with a count, by id. */
  citationCounts(): Promise<Map<number, number>>;
}

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
  /**
   * Query words a relaxed answer left out: past the work budget, the most common words are not counted
   * (docs/search.md, "Relaxed answers"). Empty when every word counted.
   */
  wordsLeftOut: string[];
}

export interface PageRequest {
  pageSize?: number;
  /** 1-based; ignored when `cursor` is given. */
  page?: number;
  cursor?: string;
}

/**
 * Matches in ranking order, as segments that rank above one another (words held, then title tiers). A segment
 * is put in order (BM25, then newer, then id) only when a page reaches it: BM25 costs a read per paper.
 */
interface Segment {
  ids: number[];
  /** Set once the segment is in order: each id's BM25. */
  scores?: Map<number, number>;
  /** The expression whose BM25 orders this segment, when not the ranking's. */
  expression?: string;
  /** True once split by words held only in other forms (or when there is nothing to split by). */
  split?: boolean;
}

/** A query word some papers hold only in other forms of its stem. */
interface Inexact {
  /** The word's exact spellings as an FTS5 expression; none when no paper holds one. */
  exact?: string;
  /** The papers holding the word in any form, by id; none when every paper of the ranking holds it. */
  holders?: Uint8Array;
}

interface Ranking {
  total: number;
  segments: Segment[];
  /** The expression whose BM25 orders each segment; none for date order. */
  expression?: string;
  /**
   * The query words held in other forms than their exact spellings. Within a segment, papers holding fewer of
   * them only in other forms come first.
   */
  inexact?: Inexact[];
  /**
   * The BM25 expression of the papers holding every word in an exact spelling: each word's exact spellings (all
   * of them for a word with none). Fewer, rarer terms than the whole expression, whose BM25 reads every doclist.
   */
  exactExpression?: string;
  relaxed: boolean;
  /** Query words a relaxed answer did not count (the work budget). */
  leftOut?: string[];
}

const DEFAULT_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 100;
// More spelling combinations than this are checked against the titles themselves instead of by FTS5 phrases.
const MAX_PHRASE_COMBINATIONS = 32;
/** Titles read one by one for the phrase tier when its spellings make more phrases than that, at most. */
const PHRASE_SCAN_LIMIT = 2000;
// How many of a paper's title words "more like this" looks for (without stored text vectors).
const MORE_LIKE_WORDS = 6;
/**
 * "More like this" over text vectors scores only the papers holding one of the paper's rarest words (title and
 * abstract): words are taken rarest first while the papers holding them sum to at most this many, at most
 * {@link MORE_LIKE_TERMS} of them. Reading and scoring every stored vector (191k papers) takes seconds.
 */
export const MORE_LIKE_CANDIDATES = 5000;
const MORE_LIKE_TERMS = 24;
// Up to this many matches, tiers are read from the titles themselves.
const FEW_MATCHES = 200;
/**
 * The work budget of a relaxed answer: the papers holding each counted word, summed over its spellings (each
 * is one doclist read, twice: to match and to score). Words are counted rarest first while the sum stays within.
 */
export const RELAXED_WORK_BUDGET = 200_000;
// Segments longer than this are matched whole and masked instead of passing their ids to the text index.
const FEW_IDS = 5000;

/**
 * The words a relaxed answer counts: rarest first (fewest papers over their spellings, then query order), each
 * while the papers of those counted so far stay within {@link RELAXED_WORK_BUDGET}; the rarest always counts.
 */
export function withinBudget(plans: readonly WordPlan[], budget = RELAXED_WORK_BUDGET): WordPlan[] {
  const rarest = plans.map((plan, at) => ({ plan, at })).sort((a, b) => a.plan.papers - b.plan.papers || a.at - b.at);
  const counted = new Set<WordPlan>();
  let work = 0;
  for (const { plan } of rarest) {
    if (counted.size > 0 && work + plan.papers > budget) break;
    work += plan.papers;
    counted.add(plan);
  }
  return plans.filter((p) => counted.has(p));
}

/** Lets the event loop run what is waiting (I/O callbacks: an acknowledgement to send) before going on. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

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

/** Ids as a byte mask indexed by id: membership tests over tens of thousands of ids without hashing. */
function idMask(ids: readonly number[]): Uint8Array {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  const mask = new Uint8Array(max + 1);
  for (const id of ids) mask[id] = 1;
  return mask;
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

/**
 * Paperboy's search over the full-text index (`text`, SQLite FTS5: every match, filters and phrases inside
 * the match, BM25), the in-memory title index (spelling alternatives, completions, filter facts) and the store
 * (papers, profiles). The rules are the contract in docs/search.md.
 */
export function createSearch({
  index,
  store,
  text,
  citations,
  vectors,
  workBudget = RELAXED_WORK_BUDGET,
}: {
  index: PaperIndex;
  store: PaperStore;
  text: TextIndex;
  /**
   * Every paper's citation count for `cites:` and `sort:citations` (a service's, else the record's); without it,
   * the records' own counts are read from the store.
   */
  citations?: CitationCounts | undefined;
  /**
   * Where the papers' text vectors are kept (For you's tf-idf features): with it, "more like this" ranks by cosine
   * over them; without it, by the paper's rarest title words.
   */
  vectors?: TasteStore | undefined;
  /** The relaxed answers' work budget; the default everywhere but in tests of the budget itself. */
  workBudget?: number;
}) {
  const forms = new WordForms(text);
  /** The counts a query needs (for `cites:` or `sort:citations`), else undefined. */
  async function countsFor(query: SearchQuery, candidates: () => Iterable<number>) {
    if (query.minCitations === undefined && query.sort !== 'citations') return undefined;
    if (citations) return citations.citationCounts();
    const counts = new Map<number, number>();
    for (const paper of await store.getPapers([...candidates()]))
      if (paper.citations !== null) counts.set(paper.id, paper.citations);
    return counts;
  }

  /**
   * Papers passing every `author:` filter (listed author as a phrase, or a listing profile's owner), the FTS5
   * phrases that ask for the listed names, and the papers that pass only through a profile.
   */
  async function authorFilter(query: SearchQuery) {
    if (query.authors.length === 0) return undefined;
    let ids: Set<number> | undefined;
    let listed: Set<number> | undefined;
    const phrases: string[] = [];
    for (const author of query.authors) {
      const words = toWords(author);
      const named = words.length ? text.matchText(`authors : ${quote(words)}`) : [];
      if (words.length) phrases.push(`authors : ${quote(words)}`);
      const these = new Set([...(await store.paperIdsOfProfile(author)), ...named]);
      ids = ids ? new Set([...ids].filter((id) => these.has(id))) : these;
      const namedSet = new Set(named);
      listed = listed ? new Set([...listed].filter((id) => namedSet.has(id))) : namedSet;
    }
    const all = ids ?? new Set<number>();
    const onlyByProfile = [...all].filter((id) => !listed?.has(id));
    // An author without words can only pass through a profile: then nothing passes through the names.
    const byName = phrases.length === query.authors.length ? phrases : undefined;
    return { ids: all, byName, onlyByProfile };
  }

  /**
   * Ids matching a text expression and the author filters: the listed names go into the FTS5 expression (so a
   * common word is not read in full), and papers passing only through a profile are matched among themselves.
   */
  function matchWithAuthors(expression: string, filter: Awaited<ReturnType<typeof authorFilter>>): number[] {
    if (!filter) return text.matchText(expression);
    if (filter.ids.size === 0) return [];
    const named = filter.byName ? text.matchText(combine([expression, ...filter.byName], [])) : [];
    return [...named, ...(filter.onlyByProfile.length ? text.matchText(expression, filter.onlyByProfile) : [])];
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
    counts?: ReadonlyMap<number, number>,
  ) {
    const out: number[] = [];
    const least = query.minCitations;
    const filtered =
      query.categories.length > 0 || query.from !== undefined || query.to !== undefined || query.hasCode !== undefined;
    const passes = filtered ? index.facts.matcher(query) : undefined;
    for (const id of ids) {
      if (skip.has(id) || (authors && !authors.has(id))) continue;
      // Papers without a count never match `cites:`.
      if (least !== undefined && !((counts?.get(id) ?? -1) >= least)) continue;
      if (!passes || passes(id)) out.push(id);
    }
    return out;
  }

  /**
   * Splits strict matches into tiers: every word in the title, side by side in the order typed (function
   * words included); every word in the title; the rest.
   */
  async function tiers(ids: number[], query: SearchQuery, plans: WordPlan[]): Promise<number[][]> {
    if (plans.length === 0) return [ids];
    const groups = plans.map((p) => p.spellings);
    // The title phrase asks for each word's exact spellings (its other forms when it has none).
    const spellings = new Map(plans.map((p) => [p.word, p.exact.length ? p.exact : p.spellings]));
    const phrase = query.words.length >= 2 ? query.words.map((w) => spellings.get(w) ?? [w]) : undefined;
    const holdsPhrase = (words: string[]) =>
      phrase !== undefined && words.some((_, at) => phrase.every((g, k) => g.includes(words[at + k] as string)));
    if (ids.length <= FEW_MATCHES) {
      // A few matches: their titles say it faster than two passes over the text index (the words agree, see
      // test/core/search/tokenizer.test.ts).
      const side: number[] = [];
      const title: number[] = [];
      const rest: number[] = [];
      for (const paper of await store.getPapers(ids)) {
        const words = toWords(paper.title);
        if (!groups.every((g) => g.some((w) => words.includes(w)))) rest.push(paper.id);
        else (holdsPhrase(words) ? side : title).push(paper.id);
      }
      return [side, title, rest];
    }
    const inTitle = idMask(text.matchText(allInTitle(groups)));
    const title = ids.filter((id) => inTitle[id] === 1);
    const rest = ids.filter((id) => inTitle[id] !== 1);
    if (!phrase || title.length === 0) return [title, rest];
    const combos = combinations(phrase, MAX_PHRASE_COMBINATIONS);
    let side: Set<number>;
    if (combos) side = new Set(text.matchText(`title : (${combos.map(quote).join(' OR ')})`));
    // Too many spellings for one FTS5 pass and too many titles to read one by one (a word typed four times,
    // each with six spellings, over 16,000 titles took 1.5 s): the phrase tier is left out (docs/search.md).
    else if (title.length > PHRASE_SCAN_LIMIT) return [title, rest];
    else {
      side = new Set();
      for (const paper of await store.getPapers(title)) if (holdsPhrase(toWords(paper.title))) side.add(paper.id);
    }
    return [title.filter((id) => side.has(id)), title.filter((id) => !side.has(id)), rest];
  }

  /**
   * Every paper the query answers with, in ranking segments: the strict rule, or, when no paper holds every
   * word of a query of several words, the relaxed one (papers holding some of the words, most first).
   */
  async function rank(
    query: SearchQuery,
    plans: WordPlan[],
    options: { skip?: ReadonlySet<number>; mode: 'strict' | 'relax' | 'some' },
  ): Promise<Ranking> {
    const skip = options.skip ?? new Set<number>();
    const filter = await authorFilter(query);
    const authors = filter?.ids;
    const counts = await countsFor(query, () => index.facts.keys());
    const constraints = textConstraints(query);
    const groups = plans.map((p) => p.spellings);
    const dateOrder = query.sort === 'date' || (query.terms.length === 0 && query.phrases.length === 0);
    const ranking = (
      segments: number[][],
      expression: string | undefined,
      relaxed: boolean,
      counted: WordPlan[] = plans,
      holders?: Map<WordPlan, Uint8Array>,
    ): Ranking => {
      const kept = segments.filter((ids) => ids.length > 0);
      const total = kept.reduce((n, ids) => n + ids.length, 0);
      const leftOut = plans.filter((p) => p.spellings.length > 0 && !counted.includes(p)).map((p) => p.word);
      const extra = leftOut.length ? { leftOut } : {};
      if (query.sort === 'citations') {
        // Most cited first; papers without a count last; then newer, then lower id.
        const ids = kept.flat();
        const count = (id: number) => counts?.get(id) ?? -1;
        ids.sort((a, b) => count(b) - count(a) || index.facts.lastDay(b) - index.facts.lastDay(a) || a - b);
        return { total, segments: [{ ids, scores: new Map() }], relaxed: relaxed && total > 0, ...extra };
      }
      if (dateOrder) return { total, segments: [{ ids: kept.flat() }], relaxed: relaxed && total > 0, ...extra };
      // Papers holding a word only in other forms than its exact spellings rank below the others of their segment.
      // (Where every paper holds every word, a word none holds exactly puts them all alike: left out.)
      const inexact = counted
        .filter((p) => p.spellings.length > p.exact.length && (holders !== undefined || p.exact.length > 0))
        .map((p): Inexact => {
          const mask = holders?.get(p);
          return { ...(p.exact.length ? { exact: anyOf(p.exact) } : {}), ...(mask ? { holders: mask } : {}) };
        });
      const exactGroups = counted
        .filter((p) => p.spellings.length > 0)
        .map((p) => anyOf(p.exact.length ? p.exact : p.spellings));
      const exactExpression = holders
        ? combine([`(${exactGroups.join(' OR ')})`, ...constraints.positive], constraints.negative)
        : combine([...exactGroups, ...constraints.positive], constraints.negative);
      return {
        total,
        segments: kept.map((ids) => ({ ids })),
        ...(expression ? { expression } : {}),
        ...(inexact.length && exactGroups.length ? { inexact, exactExpression } : {}),
        relaxed: relaxed && total > 0,
        ...extra,
      };
    };
    if (constraints.impossible) return ranking([], undefined, false);

    const positive = [...groups.map(anyOf), ...constraints.positive];
    if (options.mode !== 'some' && groups.every((g) => g.length > 0)) {
      if (positive.length === 0) {
        const excluded = constraints.negative.length
          ? new Set(text.matchText(constraints.negative.join(' OR ')))
          : new Set();
        const ids = keep(query, authors ?? index.facts.keys(), undefined, skip, counts).filter(
          (id) => !excluded.has(id),
        );
        return ranking([ids], undefined, false);
      }
      const expression = combine(positive, constraints.negative);
      const ids = keep(query, matchWithAuthors(expression, filter), authors, skip, counts);
      if (ids.length > 0 || options.mode === 'strict' || groups.length < 2)
        return ranking(
          dateOrder || query.sort === 'citations' ? [ids] : await tiers(ids, query, plans),
          expression,
          false,
        );
    }

    // No paper holds every word: answer with those holding most of them (filters, phrases, exclusions still apply),
    // counting the rarest words first while their doclists stay within the work budget.
    const counted = withinBudget(
      plans.filter((p) => p.spellings.length > 0),
      workBudget,
    );
    const known = counted.map((p) => p.spellings);
    if (known.length === 0) return ranking([], undefined, false);
    const expression = combine([`(${known.map(anyOf).join(' OR ')})`, ...constraints.positive], constraints.negative);
    const ids = keep(query, matchWithAuthors(expression, filter), authors, skip, counts);
    // Words held per id in a typed array: a query of 32 common words counts a million (id, word) pairs at 191k
    // papers, which a Map took 0.4 s to do. Ids are positive integers (SQLite rowids), at most 32 words.
    const answered = idMask(ids);
    const held = new Uint8Array(answered.length);
    // Who holds each word held in other forms too: within a segment, papers holding it only so rank lower.
    const holders = new Map<WordPlan, Uint8Array>();
    if (counted.length === 1) {
      held.fill(1);
      if (counted[0]) holders.set(counted[0], answered);
    } else
      for (const plan of counted) {
        const mask = plan.spellings.length > plan.exact.length ? new Uint8Array(answered.length) : undefined;
        if (mask) holders.set(plan, mask);
        for (const id of text.matchText(anyOf(plan.spellings), authors ? ids : undefined))
          if (answered[id] === 1) {
            held[id] = (held[id] as number) + 1;
            if (mask) mask[id] = 1;
          }
      }
    const byCount: number[][] = Array.from({ length: known.length + 1 }, () => []);
    for (const id of ids) byCount[known.length - (held[id] as number)]?.push(id);
    return ranking(byCount, expression, options.mode === 'relax', counted, holders);
  }

  /**
   * Splits a segment by how many words its papers hold only in other forms than their exact spellings, fewer
   * first; those holding every word exactly are ordered by the BM25 of the exact spellings.
   */
  function split(segment: Segment, ranking: Ranking): Segment[] {
    const inexact = new Map<number, number>();
    for (const word of ranking.inexact ?? []) {
      // The papers holding an exact spelling: a long segment reads the whole doclist (a list of 100,000 ids
      // costs more than the doclist), a short one only its own ids.
      const exact = word.exact
        ? idMask(text.matchText(word.exact, segment.ids.length > FEW_IDS ? undefined : segment.ids))
        : undefined;
      for (const id of segment.ids)
        if ((!word.holders || word.holders[id] === 1) && exact?.[id] !== 1) inexact.set(id, (inexact.get(id) ?? 0) + 1);
    }
    const parts: number[][] = [];
    for (const id of segment.ids) {
      const n = inexact.get(id) ?? 0;
      if (!parts[n]) parts[n] = [];
      parts[n]?.push(id);
    }
    const out: Segment[] = [];
    parts.forEach((ids, n) => {
      if (ids?.length)
        out.push({
          ids,
          split: true,
          ...(n === 0 && ranking.exactExpression ? { expression: ranking.exactExpression } : {}),
        });
    });
    return out;
  }

  /** Puts a segment in order: BM25 of its expression (else the ranking's), then newer, then id. */
  function order(segment: Segment, ranking: Ranking): Map<number, number> {
    if (segment.scores) return segment.scores;
    const scores = new Map<number, number>();
    const expression = segment.expression ?? ranking.expression;
    // Scoring costs a read per paper: score only the segment's papers (the store returns no others).
    if (expression) for (const m of text.scoreText(expression, segment.ids)) scores.set(m.id, m.score);
    const rows = segment.ids.map((id) => ({ id, score: scores.get(id) ?? 0, date: index.facts.lastDay(id) }));
    rows.sort((a, b) => b.score - a.score || b.date - a.date || a.id - b.id);
    segment.ids = rows.map((r) => r.id);
    segment.scores = scores;
    return scores;
  }

  /** The ids (with scores) at `offset`, at most `count`, ordering only the segments that page reaches. */
  function slice(ranking: Ranking, offset: number, count: number): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = [];
    let start = 0;
    for (let at = 0; at < ranking.segments.length; at++) {
      let segment = ranking.segments[at] as Segment;
      // A segment the page reaches is split by words held only in other forms first (once).
      if (ranking.inexact && !segment.split && start + segment.ids.length > offset && out.length < count) {
        const parts = split(segment, ranking);
        ranking.segments.splice(at, 1, ...parts);
        segment = parts[0] as Segment;
      }
      const end = start + segment.ids.length;
      if (end > offset && out.length < count) {
        const scores = order(segment, ranking);
        for (const id of segment.ids.slice(Math.max(0, offset - start), offset - start + count))
          if (out.length < count) out.push({ id, score: scores.get(id) ?? 0 });
      }
      start = end;
    }
    return out;
  }

  async function toPage(
    query: SearchQuery,
    ranking: Ranking,
    terms: string[],
    request: PageRequest,
  ): Promise<SearchPage> {
    const fromCursor = request.cursor ? decodeCursor(request.cursor) : undefined;
    const pageSize = Math.min(
      MAX_PAGE_SIZE,
      Math.max(1, fromCursor?.pageSize ?? request.pageSize ?? DEFAULT_PAGE_SIZE),
    );
    const offset = Math.max(0, fromCursor?.offset ?? ((request.page ?? 1) - 1) * pageSize);
    const picked = slice(ranking, offset, pageSize);
    // Asked at once: on a store across the network (PostgreSQL) that is one round trip of waiting, not two.
    const ids = picked.map((r) => r.id);
    const [papers, owners] = await Promise.all([store.getPapers(ids), store.profileNamesFor(ids)]);
    const highlight = [...terms, ...query.phrases.flat()];
    const results = papers.map((paper, i) => ({
      paper,
      score: picked[i]?.score ?? 0,
      matchedTerms: highlight,
      profiles: owners.get(paper.id) ?? [],
    }));
    const page: SearchPage = {
      query: query.text,
      total: ranking.total,
      relaxed: ranking.relaxed,
      page: Math.floor(offset / pageSize) + 1,
      pageSize,
      results,
      wordsLeftOut: ranking.leftOut ?? [],
    };
    if (offset + pageSize < ranking.total) page.nextCursor = encodeCursor(offset + pageSize, pageSize);
    if (offset > 0) page.prevCursor = encodeCursor(Math.max(0, offset - pageSize), pageSize);
    return page;
  }

  /** The query with each unknown word corrected where it is typed as a word (not inside a filter or an exclusion). */
  function didYouMean(query: SearchQuery, plans: WordPlan[]): string | undefined {
    const fixes = new Map<string, string>();
    // Never a mere inflection of a word that matched: `transformer transformerz` is not corrected to a second
    // `transformers`. (A word with a held form is not unknown, so it is never corrected itself.)
    const matched = new Set(plans.filter((p) => !p.unknown).map((p) => stemOf(p.word)));
    for (const plan of plans) {
      const suggestion = plan.typos[0];
      if (suggestion && !matched.has(stemOf(suggestion))) fixes.set(plan.word, suggestion);
    }
    const spans = query.spans.filter((s) => fixes.has(s.word));
    if (spans.length === 0) return undefined;
    let corrected = query.text;
    for (const span of spans.reverse())
      corrected = corrected.slice(0, span.start) + fixes.get(span.word) + corrected.slice(span.end);
    return corrected;
  }

  /** The document frequencies, read again only when the stored features moved on. */
  let frequencies: { rev: number; value: DocumentFrequencies } | undefined;
  async function frequenciesOf(taste: TasteStore): Promise<DocumentFrequencies> {
    const rev = await taste.featuresRev();
    if (frequencies?.rev !== rev) frequencies = { rev, value: await taste.frequencies() };
    return frequencies.value;
  }

  /**
   * "More like this" by text vectors: the papers holding one of the paper's rarest words (within
   * {@link MORE_LIKE_CANDIDATES}), ordered by the cosine of their tf-idf vectors with the paper's, then newer, id;
   * the paper itself left out. Papers without stored features (none once caught up) are made from their text.
   */
  async function similarByVectors(paper: StoredPaper, taste: TasteStore, request: PageRequest): Promise<SearchPage> {
    await refreshPaperFeatures(store, taste);
    const df = await frequenciesOf(taste);
    const vectorOf = (p: StoredPaper) => toTfidf(packFeatures(paperText(p)), df);
    const own = (await taste.features([paper.id])).get(paper.id);
    const source = own ? toTfidf(featuresFromBytes(own), df) : vectorOf(paper);
    // Rarest first: a word only this paper holds finds nothing; common ones would answer half the index.
    const words = [...new Set(toTerms(paperText(paper)))]
      .map((word) => ({ word, papers: text.papersHolding(word) }))
      .filter((w) => w.papers >= 2)
      .sort((a, b) => a.papers - b.papers || compareText(a.word, b.word));
    const chosen: string[] = [];
    let work = 0;
    for (const w of words) {
      if (chosen.length >= MORE_LIKE_TERMS || (chosen.length > 0 && work + w.papers > MORE_LIKE_CANDIDATES)) break;
      chosen.push(w.word);
      work += w.papers;
    }
    const ids =
      chosen.length === 0
        ? []
        : text.matchText(chosen.map((w) => anyOf([w])).join(' OR ')).filter((id) => id !== paper.id);
    const stored = await taste.features(ids);
    const missing = ids.filter((id) => !stored.has(id));
    const made = new Map((await store.getPapers(missing)).map((p) => [p.id, vectorOf(p)]));
    const scores = new Map<number, number>();
    for (const id of ids) {
      const bytes = stored.get(id);
      const vector = bytes ? toTfidf(featuresFromBytes(bytes), df) : made.get(id);
      scores.set(id, vector ? cosine(source, vector) : 0);
    }
    const rows = ids.map((id) => ({ id, score: scores.get(id) ?? 0, date: index.facts.lastDay(id) }));
    rows.sort((a, b) => b.score - a.score || b.date - a.date || a.id - b.id);
    const query = parseQuery('');
    query.text = `like:${paper.id}`;
    const segment: Segment = { ids: rows.map((r) => r.id), scores, split: true };
    return toPage(query, { total: rows.length, segments: [segment], relaxed: false }, chosen, request);
  }

  /** Brings the title index and the text index up to the store: papers written by anyone count at once. */
  async function catchUp(): Promise<void> {
    // Independent caches, each asking the store's rev: at once, so a remote store's round trips overlap.
    await Promise.all([index.sync(), text.catchUp(store)]);
  }

  return {
    /**
     * Searches with the query language and returns one page of ranked results.
     * @throws PaperboyError `invalid_query` for a query that does not parse
     */
    async search(queryText: string, request: PageRequest = {}): Promise<SearchPage> {
      const query = parseQuery(queryText);
      if (isEmptyQuery(query) && query.excluded.length === 0)
        return toPage(query, { total: 0, segments: [], relaxed: false }, [], request);
      await catchUp();
      const plans = planWords(query, index, text, forms);
      // A turn of the event loop between the parts of a query: a chat command's acknowledgement that arrived
      // meanwhile is sent before the next part runs (docs/limits.md, "The work of one query").
      await nextTurn();
      const ranking = await rank(query, plans, { mode: 'relax' });
      await nextTurn();
      const page = await toPage(
        query,
        ranking,
        plans.flatMap((p) => p.spellings),
        request,
      );
      if (page.total === 0 || page.relaxed) {
        const suggestion = didYouMean(query, plans);
        if (suggestion) page.didYouMean = suggestion;
      }
      return page;
    },

    /**
     * The papers among `ids` that match a query by the strict rule (every word, every phrase and filter, no
     * excluded word); never relaxed. For digests and watches, where each new paper must be judged. In the order of
     * `ids`, or with `order` 'relevance' best first (BM25 over all fields; `ids` order among equals, and for a
     * query of filters alone).
     * @throws PaperboyError `invalid_query`
     */
    async filterMatching(
      queryText: string,
      ids: readonly number[],
      order: 'given' | 'relevance' = 'given',
    ): Promise<number[]> {
      const query = parseQuery(queryText);
      await catchUp();
      const plans = planWords(query, index, text, forms);
      if (plans.some((p) => p.spellings.length === 0)) return [];
      const constraints = textConstraints(query);
      if (constraints.impossible) return [];
      const authors = (await authorFilter(query))?.ids;
      const candidates = keep(query, ids, authors, new Set(), await countsFor(query, () => ids));
      const positive = [...plans.map((p) => anyOf(p.spellings)), ...constraints.positive];
      if (positive.length > 0) {
        const expression = combine(positive, constraints.negative);
        if (order === 'relevance') {
          const scores = new Map(text.scoreText(expression, candidates).map((m) => [m.id, m.score]));
          const ranked = candidates.filter((id) => scores.has(id));
          // Array sort is stable: equal scores keep the order of `ids`.
          return ranked.sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0));
        }
        const matching = new Set(text.matchText(expression, candidates));
        return candidates.filter((id) => matching.has(id));
      }
      if (constraints.negative.length === 0) return candidates;
      const excluded = new Set(text.matchText(constraints.negative.join(' OR '), candidates));
      return candidates.filter((id) => !excluded.has(id));
    },

    /**
     * Papers like the given one, itself left out, best first: by cosine over the stored tf-idf vectors of title and
     * abstract when the search has them (`vectors`), else those holding most of its 6 rarest title words.
     * Undefined for an unknown id.
     */
    async moreLikeThis(paperId: number, request: PageRequest = {}): Promise<SearchPage | undefined> {
      const [paper] = await store.getPapers([paperId]);
      if (!paper) return undefined;
      await catchUp();
      if (vectors) return similarByVectors(paper, vectors, request);
      const query = parseQuery('');
      query.text = `like:${paperId}`;
      // Its rarest title words say what it is about; common ones ("models", "learning") would answer half the index.
      query.terms = [...new Set(toTerms(paper.title))]
        .sort((a, b) => index.titleCount(a) - index.titleCount(b) || compareText(a, b))
        .slice(0, MORE_LIKE_WORDS);
      const plans = query.terms.map((word) => ({
        word,
        spellings: [word],
        exact: [word],
        typos: [],
        unknown: false,
        papers: 0,
      }));
      const ranking = await rank(query, plans, { skip: new Set([paperId]), mode: 'some' });
      return toPage(query, { ...ranking, relaxed: false }, query.terms, request);
    },
  };
}

export type Search = ReturnType<typeof createSearch>;
