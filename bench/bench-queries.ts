import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { toShortCategory } from '../src/core/ingest/paper-record.ts';
import { isStopword } from '../src/core/search/tokenize.ts';

export interface CorpusPaper {
  title: string;
  abstract: string;
  authors: string[];
  category: string;
  date: string;
}

export interface BenchQuery {
  kind: 'known-item' | 'misspelled' | 'filtered';
  /** Free words, as typed. */
  words: string;
  filter?: { cat?: string; year?: string };
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
function random(seed: number) {
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
