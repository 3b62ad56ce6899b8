// A brute-force implementation of the matching contract in docs/search.md: a scan over every paper, no index.
// The property tests compare it with the fast search. It shares only the query parser and the word splitter
// with the code under test (the tokenizer is checked against SQLite's own in tokenizer.test.ts).
import { parseQuery, type SearchQuery } from '../../../src/core/search/query-parser.ts';
import { RELAXED_WORK_BUDGET } from '../../../src/core/search/search.ts';
import { stemOf } from '../../../src/core/search/stem.ts';
import { toTerms, toWords } from '../../../src/core/search/tokenize.ts';
import { toProfileKey } from '../../../src/core/store/identity.ts';
import type { PaperStore, StoredPaper } from '../../../src/core/store/paper-store.ts';

export interface OraclePaper {
  paper: StoredPaper;
  title: string[];
  abstract: string[];
  all: Set<string>;
  authors: string[];
  affiliations: string[];
  categories: string[];
  from: number;
  to: number;
}

export interface Oracle {
  papers: OraclePaper[];
  /** Title word -> number of titles holding it (title-index stopwords left out). */
  vocabulary: Map<string, number>;
  /** Every word of every field -> number of papers holding it. */
  words: Map<string, number>;
  /** Stem -> the words of `words` with that stem. */
  stems: Map<string, string[]>;
  /** Ids listed by the profile of this name. */
  profileIds: (name: string) => number[];
  /** Citation counts from the services by paper id (they win over the record's own `citations`). */
  citations?: Map<number, number>;
}

/** A paper's count for `cites:` and `sort:citations`: a service's, else the record's; null when neither has one. */
export const oracleCitations = (oracle: Oracle, p: OraclePaper): number | null =>
  oracle.citations?.get(p.paper.id) ?? p.paper.citations;

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

/** Optimal string alignment distance, the full table: edits and swaps of neighbouring characters cost 1. */
export function osaDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

function dateRange(date: string): [number, number] {
  const [y = 0, m, d] = date.split('-').map(Number);
  if (m === undefined) return [y * 10000 + 101, y * 10000 + 1231];
  const day = y * 10000 + m * 100 + (d ?? 1);
  return [day, day];
}

export async function createOracle(store: PaperStore): Promise<Oracle> {
  const papers = (await store.papersChangedSince(0, 1_000_000)).map((paper): OraclePaper => {
    const title = toWords(paper.title);
    const abstract = toWords(paper.abstract ?? '');
    // The store keeps author and affiliation lists as JSON text; their words are those of that text.
    const authors = toWords(JSON.stringify(paper.authors));
    const affiliations = toWords(JSON.stringify(paper.affiliations));
    const [from, to] = dateRange(paper.date);
    const categories = [paper.category, paper.categoryFull, ...paper.alsoCategories]
      .filter((c): c is string => !!c)
      .map(fold);
    const all = new Set([...title, ...abstract, ...authors, ...affiliations]);
    return { paper, title, abstract, all, authors, affiliations, categories, from, to };
  });
  const words = new Map<string, number>();
  for (const p of papers) for (const w of p.all) words.set(w, (words.get(w) ?? 0) + 1);
  const stems = new Map<string, string[]>();
  for (const w of words.keys()) stems.set(stemOf(w), [...(stems.get(stemOf(w)) ?? []), w]);
  const vocabulary = new Map<string, number>();
  for (const p of papers)
    for (const w of new Set(toTerms(p.paper.title))) vocabulary.set(w, (vocabulary.get(w) ?? 0) + 1);
  // The profiles' papers, read once: the oracle answers synchronously, by the store's own name folding.
  const byProfile = new Map<string, number[]>();
  for (const name of await store.listProfileNames())
    byProfile.set(toProfileKey(name), await store.paperIdsOfProfile(name));
  return { papers, vocabulary, words, stems, profileIds: (name) => byProfile.get(toProfileKey(name)) ?? [] };
}

const byCountThenAlphabet = (vocabulary: Map<string, number>) => (a: string, b: string) =>
  (vocabulary.get(b) ?? 0) - (vocabulary.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);

/** A query word's accepted spellings, those of them that are exact, its typo alternatives and its work. */
export interface OracleWord {
  word: string;
  spellings: string[];
  exact: string[];
  typos: string[];
  /** Papers holding each spelling, summed. */
  papers: number;
}

/** The words some paper holds with the same English stem as `w` (w among them when held). */
const formsOf = (oracle: Oracle, w: string) => oracle.stems.get(stemOf(w)) ?? [];

/** The accepted spellings of each query word (docs/search.md), with the exact ones. */
export function wordsOf(oracle: Oracle, query: SearchQuery): OracleWord[] {
  return query.terms.map((w, i) => {
    const held = oracle.words.has(w);
    const maxEdits = w.length > 40 ? 0 : w.length >= 8 ? 2 : w.length >= 4 ? 1 : 0;
    const typosOf = () => {
      if (maxEdits === 0) return [];
      const near = [...oracle.vocabulary.keys()]
        .map((v) => ({ v, d: osaDistance(w, v) }))
        .filter(({ v, d }) => v !== w && d <= maxEdits);
      const closest = Math.min(...near.map((n) => n.d));
      const stems = new Set<string>();
      const out: string[] = [];
      for (const v of near
        .filter((n) => n.d === closest)
        .map((n) => n.v)
        .sort(byCountThenAlphabet(oracle.vocabulary))) {
        if (stems.has(stemOf(v)) || out.length === 3) continue;
        stems.add(stemOf(v));
        out.push(v);
      }
      return out;
    };
    const papersOf = (spellings: Iterable<string>) => {
      let n = 0;
      for (const s of spellings) n += oracle.words.get(s) ?? 0;
      return n;
    };
    if (query.exact.includes(w)) {
      const only = held ? [w] : [];
      return { word: w, spellings: only, exact: only, typos: held ? [] : typosOf(), papers: papersOf(only) };
    }
    const own = formsOf(oracle, w);
    const out = new Set<string>(own);
    const exact = new Set<string>(held ? [w] : []);
    const typos = own.length === 0 ? typosOf() : [];
    for (const t of typos) {
      exact.add(t);
      for (const f of formsOf(oracle, t)) out.add(f);
    }
    if (i === query.terms.length - 1 && !oracle.vocabulary.has(w) && w.length >= 3 && w.length <= 40) {
      for (const v of [...oracle.vocabulary.keys()]
        .filter((v) => v.length > w.length && v.startsWith(w))
        .sort(byCountThenAlphabet(oracle.vocabulary))
        .slice(0, 3)) {
        out.add(v);
        exact.add(v);
      }
    }
    return { word: w, spellings: [...out], exact: [...exact], typos, papers: papersOf(out) };
  });
}

/** The accepted spellings of each query word (docs/search.md). */
export const spellingsOf = (oracle: Oracle, query: SearchQuery): string[][] =>
  wordsOf(oracle, query).map((w) => w.spellings);

/** The words a relaxed answer counts: rarest first while the work stays within the budget (the rarest always). */
function counted(words: OracleWord[], budget: number): OracleWord[] {
  const rarest = words
    .filter((w) => w.spellings.length > 0)
    .map((w, at) => ({ w, at }))
    .sort((a, b) => a.w.papers - b.w.papers || a.at - b.at);
  const out = new Set<OracleWord>();
  let work = 0;
  for (const { w } of rarest) {
    if (out.size > 0 && work + w.papers > budget) break;
    work += w.papers;
    out.add(w);
  }
  return words.filter((w) => out.has(w));
}

const hasRun = (words: string[], run: readonly (readonly string[])[]) =>
  words.some((_, at) => at + run.length <= words.length && run.every((g, k) => g.includes(words[at + k] as string)));
const asRun = (words: string[]) => words.map((w) => [w]);

/** True when the paper passes everything but the query words: phrases, exclusions, filters. */
export function passesConstraints(oracle: Oracle, query: SearchQuery, p: OraclePaper): boolean {
  const inText = (phrase: string[]) => hasRun(p.title, asRun(phrase)) || hasRun(p.abstract, asRun(phrase));
  if (!query.phrases.every(inText)) return false;
  if (query.excluded.some((e) => (e.length === 1 ? p.all.has(e[0] as string) : inText(e)))) return false;
  for (const author of query.authors) {
    const words = toWords(author);
    const listed = words.length > 0 && hasRun(p.authors, asRun(words));
    if (!listed && !oracle.profileIds(author).includes(p.paper.id)) return false;
  }
  for (const aff of query.affiliations) {
    const words = toWords(aff);
    if (words.length === 0 || !hasRun(p.affiliations, asRun(words))) return false;
  }
  if (query.categories.length && !query.categories.some((c) => p.categories.includes(c))) return false;
  if (query.from !== undefined && p.to < query.from) return false;
  if (query.to !== undefined && p.from > query.to) return false;
  if (query.hasCode !== undefined && p.paper.hasCode !== query.hasCode) return false;
  if (query.minCitations !== undefined) {
    // Papers without a count never match `cites:`.
    const count = oracleCitations(oracle, p);
    if (count === null || count < query.minCitations) return false;
  }
  return true;
}

export interface OracleAnswer {
  ids: Set<number>;
  relaxed: boolean;
  spellings: string[][];
  /** The query words with their spellings; `counted`: those the answer counts (all but a relaxed budget's). */
  words: OracleWord[];
  counted: OracleWord[];
  /** Words a relaxed answer left out (the work budget). */
  leftOut: string[];
  /** How many query words each answered paper holds. */
  held: Map<number, number>;
}

/** Every paper the contract answers `text` with. */
export function oracleSearch(oracle: Oracle, text: string, budget = RELAXED_WORK_BUDGET): OracleAnswer {
  const query = parseQuery(text);
  const words = wordsOf(oracle, query);
  const spellings = words.map((w) => w.spellings);
  const empty =
    query.terms.length + query.phrases.length + query.authors.length + query.categories.length === 0 &&
    query.affiliations.length === 0 &&
    query.from === undefined &&
    query.to === undefined &&
    query.hasCode === undefined &&
    query.minCitations === undefined &&
    query.excluded.length === 0;
  const held = new Map<number, number>();
  const answer = { spellings, words, counted: words, leftOut: [] as string[] };
  if (empty) return { ids: new Set(), relaxed: false, held, ...answer };
  const holds = (p: OraclePaper, s: string[]) => s.some((w) => p.all.has(w));
  const passing = oracle.papers.filter((p) => passesConstraints(oracle, query, p));
  const strict = passing.filter((p) => spellings.every((s) => holds(p, s)));
  if (strict.length > 0 || spellings.length < 2) {
    return { ids: new Set(strict.map((p) => p.paper.id)), relaxed: false, held, ...answer };
  }
  const count = counted(words, budget);
  for (const p of passing) {
    const n = count.filter((w) => holds(p, w.spellings)).length;
    if (n > 0) held.set(p.paper.id, n);
  }
  const leftOut = words.filter((w) => w.spellings.length > 0 && !count.includes(w)).map((w) => w.word);
  return { ids: new Set(held.keys()), relaxed: held.size > 0, held, spellings, words, counted: count, leftOut };
}

/** The papers among `ids` the strict rule accepts (what digests and watches use). */
export function oracleStrict(oracle: Oracle, text: string, ids: readonly number[]): number[] {
  const query = parseQuery(text);
  const spellings = spellingsOf(oracle, query);
  const wanted = new Set(ids);
  return oracle.papers
    .filter(
      (p) =>
        wanted.has(p.paper.id) &&
        passesConstraints(oracle, query, p) &&
        spellings.every((s) => s.some((w) => p.all.has(w))),
    )
    .map((p) => p.paper.id);
}

/** `sort:citations` order of answered ids: most cited first, papers without a count last, then newer, then lower id. */
export function oracleCitationOrder(oracle: Oracle, ids: Iterable<number>): number[] {
  const byId = new Map(oracle.papers.map((p) => [p.paper.id, p]));
  const count = (id: number) => oracleCitations(oracle, byId.get(id) as OraclePaper) ?? -1;
  const last = (id: number) => (byId.get(id) as OraclePaper).to;
  return [...ids].sort((a, b) => count(b) - count(a) || last(b) - last(a) || a - b);
}
