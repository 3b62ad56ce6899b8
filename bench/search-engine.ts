// One search engine in its own process, so its memory is its own. Run by search-bench.ts:
//   node --import tsx bench/search-engine.ts build|query ENGINE WORKDIR CORPUS [QUERIES]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../src/core/commands/chat.ts';
import { ingestPaths } from '../src/core/ingest/ingest-files.ts';
import { INPUT_LIMITS } from '../src/core/input-limits.ts';
import { openSearch } from '../src/core/search/open-search.ts';
import type { Search } from '../src/core/search/search.ts';
import { type BenchQuery, benchWords, FUNCTION_WORDS, readCorpus } from './bench-queries.ts';

type Engine = 'minisearch' | 'minisearch-fuzzy' | 'fts5' | 'paperboy';
const [mode, engine, workdir, corpusFile, queriesFile] = process.argv.slice(2) as [
  string,
  Engine,
  string,
  string,
  string,
];
const MS_OPTIONS = { fields: ['title', 'abstract', 'authors'], storeFields: [] as string[] };
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface Meta {
  titles: string[];
  cats: string[];
  years: string[];
  /** Each paper's listed authors, folded like {@link benchWords}: for the `author:` filter of MiniSearch. */
  authors: string[][];
}
const foldName = (name: string) => benchWords(name).join(' ');
/**
 * What a baseline searches for: the words without the function words a question puts around them (neither
 * MiniSearch nor FTS5 has stopwords of its own, and FTS5's AND would need "how" in the paper). All of them when
 * nothing else is left.
 */
function baselineWords(q: BenchQuery): string[] {
  const words = benchWords(q.words);
  const content = words.filter((w) => !FUNCTION_WORDS.has(w));
  return content.length ? content : words;
}
const shortCat = (c: string) =>
  (/^(.*\S)\s+\d{4}$/.exec(c)?.[1] ?? (c.includes('.') ? c.split('.').pop() : c) ?? c).toLowerCase();

async function build(): Promise<void> {
  const started = performance.now();
  if (engine === 'paperboy') {
    const dbPath = join(workdir, 'paperboy.db');
    const store = createSqliteStore(dbPath);
    await ingestPaths([corpusFile], { store, clock: () => new Date() });
    await (await openSearch({ store, text: createSqliteTextIndex(store.db) }, dbPath)).index.saveSnapshot();
    await store.close();
  } else {
    const papers = await readCorpus(corpusFile);
    const meta: Meta = {
      titles: papers.map((p) => p.title),
      cats: papers.map((p) => shortCat(p.category)),
      years: papers.map((p) => p.date.slice(0, 4)),
      authors: papers.map((p) => p.authors.map(foldName)),
    };
    writeFileSync(join(workdir, `${engine}-meta.json`), JSON.stringify(meta));
    if (engine === 'fts5') {
      const db = new Database(join(workdir, 'fts5.db'));
      db.exec(
        `CREATE VIRTUAL TABLE docs USING fts5(title, abstract, authors, cat UNINDEXED, year UNINDEXED, tokenize = 'porter unicode61')`,
      );
      const insert = db.prepare(
        'INSERT INTO docs (rowid, title, abstract, authors, cat, year) VALUES (?, ?, ?, ?, ?, ?)',
      );
      db.transaction(() => {
        papers.forEach((p, i) => {
          insert.run(i, p.title, p.abstract, p.authors.join(', '), meta.cats[i], meta.years[i]);
        });
      })();
      db.close();
    } else {
      const ms = new MiniSearch(MS_OPTIONS);
      ms.addAll(papers.map((p, id) => ({ id, title: p.title, abstract: p.abstract, authors: p.authors.join(', ') })));
      writeFileSync(join(workdir, `${engine}.json`), JSON.stringify(ms));
    }
  }
  console.log(JSON.stringify({ buildMs: performance.now() - started, buildPeakMb: peakMb() }));
}

interface Opened {
  run: (q: BenchQuery) => string[] | Promise<string[]>;
  /** Paperboy only: its search and chat, for the bounded-input figures. */
  paperboy?: { search: Search; handle: (text: string) => unknown };
}

async function openEngine(): Promise<Opened> {
  if (engine === 'paperboy') {
    const dbPath = join(workdir, 'paperboy.db');
    const store = createSqliteStore(dbPath);
    const { search } = await openSearch({ store, text: createSqliteTextIndex(store.db) }, dbPath);
    const chat = createChat({ store, search });
    return {
      run: async (q) => (await search.search(q.text, { pageSize: 10 })).results.map((r) => r.paper.title),
      paperboy: { search, handle: chat.handle },
    };
  }
  const base = engine === 'minisearch-fuzzy' ? 'minisearch' : engine;
  const meta = JSON.parse(readFileSync(join(workdir, `${base}-meta.json`), 'utf8')) as Meta;
  const keep = (q: BenchQuery, i: number) =>
    (!q.filter?.cat || meta.cats[i] === q.filter.cat.toLowerCase()) &&
    (!q.filter?.year || meta.years[i] === q.filter.year) &&
    (!q.filter?.author || (meta.authors[i] ?? []).includes(foldName(q.filter.author)));
  if (engine === 'fts5') {
    const db = new Database(join(workdir, 'fts5.db'), { readonly: true });
    // Filters are part of the statement, never applied after a cut-off: the baseline gets every match.
    const stmt = db.prepare<{ expression: string; cat: string | null; year: string | null }, { id: number }>(
      `SELECT rowid AS id FROM docs WHERE docs MATCH @expression
         AND (@cat IS NULL OR cat = @cat) AND (@year IS NULL OR year = @year)
         ORDER BY bm25(docs, 3.0, 1.0, 2.0) LIMIT 10`,
    );
    const phrase = (words: string[]) => `"${words.join(' ').replaceAll('"', '""')}"`;
    return {
      run: (q) => {
        const terms = baselineWords(q).map((w) => phrase([w]));
        if (q.filter?.author) terms.push(`authors : ${phrase(benchWords(q.filter.author))}`);
        return stmt
          .all({
            expression: terms.join(' AND '),
            cat: q.filter?.cat?.toLowerCase() ?? null,
            year: q.filter?.year ?? null,
          })
          .map((r) => meta.titles[r.id] as string);
      },
    };
  }
  const ms = MiniSearch.loadJSON(readFileSync(join(workdir, 'minisearch.json'), 'utf8'), MS_OPTIONS);
  const fuzzy = engine === 'minisearch-fuzzy' ? { prefix: true, fuzzy: 0.2 } : {};
  return {
    run: (q) =>
      ms
        .search(baselineWords(q).join(' '), {
          boost: { title: 3, authors: 2 },
          ...fuzzy,
          filter: (r) => keep(q, r.id as number),
        })
        .slice(0, 10)
        .map((r) => meta.titles[r.id as number] as string),
  };
}

const LONG = 40_000;
/** 40,000-character messages (refused) and queries at the 1,000-character limit (answered). */
const LONG_MESSAGES = [
  '?'.repeat(LONG),
  `${'?'.repeat(LONG - 1)}x`,
  'a'.repeat(LONG),
  '"'.repeat(LONG),
  '-"'.repeat(LONG / 2),
  `/author ${'x'.repeat(LONG - 8)}`,
  `compare a${' '.repeat(LONG - 10)}b`,
];
const words = (unit: string, count: number = INPUT_LIMITS.words) => unit.repeat(count).trim();
/** Queries at the limits (1,000 characters, 32 words), answered: the costliest kinds of word for the search. */
const LIMIT_QUERIES = [
  'z'.repeat(INPUT_LIMITS.query),
  words('qzxv '),
  words('transformerbasedlanguagemodeks '),
  words('languag '),
  words('language models ', INPUT_LIMITS.words / 2),
  'language models learning neural network networks deep data large training reinforcement graph vision model based efficient generation via robust multi adaptive towards analysis detection task prediction framework benchmark agents reasoning image survey',
  words('-"neural network" learning ', INPUT_LIMITS.words / 3),
];

/** The slowest answer (ms) to each set, and how much the peak memory grew meanwhile (MB). */
async function boundedInput({ search, handle }: NonNullable<Opened['paperboy']>) {
  const before = peakMb();
  const slowest = async (inputs: string[], answer: (text: string) => unknown) => {
    let worst = 0;
    for (const text of inputs) {
      const started = performance.now();
      try {
        await answer(text);
      } catch {
        // A refusal is an answer here.
      }
      worst = Math.max(worst, performance.now() - started);
    }
    return Math.round(worst * 10) / 10;
  };
  const longMessageMs = await slowest(LONG_MESSAGES, handle);
  const longSearchMs = await slowest(LONG_MESSAGES, (text) => search.search(text));
  const limitQueryMs = await slowest(LIMIT_QUERIES, (text) => search.search(text));
  return { longMessageMs, longSearchMs, limitQueryMs, growthMb: peakMb() - before };
}

async function query(): Promise<void> {
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as BenchQuery[];
  const { run, paperboy } = await openEngine();
  const first = await run(queries[0] as BenchQuery);
  // The parent measures cold start up to this line.
  console.log('FIRST');
  const answers: string[][] = [first];
  const latencies: number[] = [];
  for (const q of queries.slice(1)) {
    const started = performance.now();
    answers.push(await run(q));
    latencies.push(performance.now() - started);
  }
  const queryPeakMb = peakMb();
  const bounds = paperboy ? await boundedInput(paperboy) : undefined;
  console.log(JSON.stringify({ answers, latencies, queryPeakMb, bounds }));
}

if (mode === 'build') await build();
else await query();
