import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { toShortCategory } from '../src/core/categories.ts';
import { isStopword } from '../src/core/search/tokenize.ts';

export interface CorpusPaper {
  title: string;
  abstract: string;
  authors: string[];
  category: string;
  date: string;
}

export const KINDS = ['known-item', 'misspelled', 'filtered', 'author-word', 'abstract', 'question'] as const;
export type QueryKind = (typeof KINDS)[number];

export const KIND_LABELS: Record<QueryKind, string> = {
  'known-item': 'known-item',
  misspelled: 'misspelled',
  filtered: 'filtered',
  'author-word': 'author + word',
  abstract: 'abstract words',
  question: 'question',
};

export interface BenchQuery {
  kind: QueryKind;
  /** Free words, as typed. */
  words: string;
  /** `author` is a listed author's name as the corpus spells it. */
  filter?: { cat?: string; year?: string; author?: string };
  /** Paperboy's query language form. */
  text: string;
  /** Title of the paper meant. */
  target: string;
}

export async function readCorpus(file: string): Promise<CorpusPaper[]> {
  const papers: CorpusPaper[] = [];
  const input = createReadStream(file).pipe(createGunzip());
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as {
      title: string;
      abstract?: string;
      authors: string[];
      category: string;
      date: string;
    };
    papers.push({ title: r.title, abstract: r.abstract ?? '', authors: r.authors, category: r.category, date: r.date });
  }
  return papers;
}

/** A small deterministic PRNG (mulberry32), so every run and every engine sees the same queries. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function misspell(word: string, rnd: () => number): string {
  const i = 1 + Math.floor(rnd() * (word.length - 2));
  return rnd() < 0.5
    ? word.slice(0, i) + word.slice(i + 1)
    : word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/**
 * Known-item queries as people type them: three words of a paper's title, in title order; the same with
 * one word misspelled; and the same narrowed by the paper's category or year.
 */
export function makeQueries(
  papers: CorpusPaper[],
  counts = { knownItem: 150, misspelled: 100, filtered: 60 },
): BenchQuery[] {
  const rnd = random(20261128);
  const queries: BenchQuery[] = [];
  const pick = () => {
    for (;;) {
      const paper = papers[Math.floor(rnd() * papers.length)] as CorpusPaper;
      const words = paper.title.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
      const usable = words.filter((w) => w.length >= 3 && /^[\p{L}\p{N}-]+$/u.test(w) && !isStopword(w));
      if (usable.length < 4) continue;
      const chosen = new Set<number>();
      while (chosen.size < 3) chosen.add(Math.floor(rnd() * usable.length));
      return { paper, words: [...chosen].sort((a, b) => a - b).map((i) => usable[i] as string) };
    }
  };
  for (let i = 0; i < counts.knownItem; i++) {
    const { paper, words } = pick();
    queries.push({ kind: 'known-item', words: words.join(' '), text: words.join(' '), target: paper.title });
  }
  for (let i = 0; i < counts.misspelled; ) {
    const { paper, words } = pick();
    const candidates = words.map((w, k) => [w, k] as const).filter(([w]) => w.length >= 6 && /^\p{L}+$/u.test(w));
    if (!candidates.length) continue;
    const [word, k] = candidates[Math.floor(rnd() * candidates.length)] as readonly [string, number];
    words[k] = misspell(word, rnd);
    queries.push({ kind: 'misspelled', words: words.join(' '), text: words.join(' '), target: paper.title });
    i++;
  }
  for (let i = 0; i < counts.filtered; i++) {
    const { paper, words } = pick();
    const filter = i % 2 ? { year: paper.date.slice(0, 4) } : { cat: toShortCategory(paper.category) };
    const suffix = filter.year ? ` year:${filter.year}` : ` cat:"${filter.cat}"`;
    queries.push({
      kind: 'filtered',
      words: words.join(' '),
      filter,
      text: words.join(' ') + suffix,
      target: paper.title,
    });
  }
  return queries;
}

/**
 * The function words the question queries put around a title's words, and a few more of the same kind: a fair
 * baseline drops them (MiniSearch and FTS5 have no stopwords of their own; FTS5's AND would need "how" in the
 * paper). Paperboy gets the question as typed.
 */
export const FUNCTION_WORDS = new Set(
  'a about all an and any are as at be by can do does for from has have how i in into is it its me of on or our papers paper than that the their there these this to via was we what when where which who why with'.split(
    ' ',
  ),
);

// Not chosen as the word of a query (a word like "under" is common but names nothing); baselines keep them.
const PREPOSITIONS = new Set(
  'under over between through across against within without towards toward upon using beyond'.split(' '),
);

/** Lower case, accents folded, split on anything but letters and digits: how the benchmark counts words. */
export const benchWords = (text: string): string[] =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');

const QUESTIONS: ((w: string[]) => string)[] = [
  (w) => `how do ${w.join(' ')}?`,
  (w) => `what about ${w.join(' and ')}?`,
  (w) => `are there any papers on ${w.join(' ')}?`,
  (w) => `which papers are about ${w.join(' ')}`,
  (w) => `is there a paper about ${w.join(' ')}?`,
];

/**
 * The three kinds of the search issue, made from the corpus like the first three (and from their own seed, so the
 * first three stay as they were):
 * - author + word: `author:"NAME" WORD`, NAME a listed author of the target, WORD in its title and in >= 1% of titles;
 * - abstract words: three words of the target's abstract, none in its title, each in <= 5% of papers;
 * - question: function words around two or three words of the target's title, in title order.
 */
export function makeIssueQueries(
  papers: CorpusPaper[],
  counts = { authorWord: 60, abstract: 60, question: 60 },
): BenchQuery[] {
  const rnd = random(20261129);
  const titleWords = papers.map((p) => new Set(benchWords(p.title)));
  const inTitles = new Map<string, number>();
  const inPapers = new Map<string, number>();
  papers.forEach((p, i) => {
    const title = titleWords[i] as Set<string>;
    for (const w of title) inTitles.set(w, (inTitles.get(w) ?? 0) + 1);
    for (const w of new Set([...title, ...benchWords(p.abstract)])) inPapers.set(w, (inPapers.get(w) ?? 0) + 1);
  });
  const content = (w: string) =>
    w.length >= 3 && /^\p{L}+$/u.test(w) && !FUNCTION_WORDS.has(w) && !PREPOSITIONS.has(w) && !isStopword(w);
  const pickFrom = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const queries: BenchQuery[] = [];
  const make = (count: number, attempt: (paper: CorpusPaper, title: Set<string>) => BenchQuery | undefined) => {
    for (let made = 0, tries = 0; made < count && tries < count * 1000; tries++) {
      const i = Math.floor(rnd() * papers.length);
      const query = attempt(papers[i] as CorpusPaper, titleWords[i] as Set<string>);
      if (query) {
        queries.push(query);
        made++;
      }
    }
  };

  make(counts.authorWord, (paper, title) => {
    const common = [...title].filter((w) => content(w) && (inTitles.get(w) ?? 0) >= 0.01 * papers.length);
    const authors = paper.authors.filter((a) => a.trim() !== '' && !a.includes('"'));
    if (common.length === 0 || authors.length === 0) return undefined;
    const word = pickFrom(common);
    const author = pickFrom(authors);
    return {
      kind: 'author-word',
      words: word,
      filter: { author },
      text: `author:"${author}" ${word}`,
      target: paper.title,
    };
  });

  make(counts.abstract, (paper, title) => {
    const words = [...new Set(benchWords(paper.abstract))].filter(
      (w) => content(w) && w.length >= 4 && !title.has(w) && (inPapers.get(w) ?? 0) <= 0.05 * papers.length,
    );
    if (words.length < 3) return undefined;
    const chosen = new Set<number>();
    while (chosen.size < 3) chosen.add(Math.floor(rnd() * words.length));
    const text = [...chosen]
      .sort((a, b) => a - b)
      .map((k) => words[k] as string)
      .join(' ');
    return { kind: 'abstract', words: text, text, target: paper.title };
  });

  make(counts.question, (paper) => {
    const usable = [...new Set(benchWords(paper.title))].filter(content);
    const size = rnd() < 0.5 ? 2 : 3;
    if (usable.length < size + 1) return undefined;
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(Math.floor(rnd() * usable.length));
    const words = [...chosen].sort((a, b) => a - b).map((k) => usable[k] as string);
    const text = pickFrom(QUESTIONS)(words);
    return { kind: 'question', words: text, text, target: paper.title };
  });
  return queries;
}
