// One search engine in its own process, so its memory is its own. Run by search-bench.ts:
//   node --import tsx bench/search-engine.ts build|query ENGINE WORKDIR CORPUS [QUERIES]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { ingestPaths } from '../src/core/ingest/ingest-files.ts';
import { openSearch } from '../src/core/search/open-search.ts';
import { createSqliteStore } from '../src/core/store/sqlite-store.ts';
import { type BenchQuery, readCorpus } from './bench-queries.ts';

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
}
const shortCat = (c: string) =>
  (/^(.*\S)\s+\d{4}$/.exec(c)?.[1] ?? (c.includes('.') ? c.split('.').pop() : c) ?? c).toLowerCase();

async function build(): Promise<void> {
  const started = performance.now();
  if (engine === 'paperboy') {
    const dbPath = join(workdir, 'paperboy.db');
    const store = createSqliteStore(dbPath);
    await ingestPaths([corpusFile], { store, clock: () => new Date() });
    openSearch(store, dbPath).index.saveSnapshot();
    store.close();
  } else {
    const papers = await readCorpus(corpusFile);
    const meta: Meta = {
      titles: papers.map((p) => p.title),
      cats: papers.map((p) => shortCat(p.category)),
      years: papers.map((p) => p.date.slice(0, 4)),
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

function openEngine(): (q: BenchQuery) => string[] {
  if (engine === 'paperboy') {
    const dbPath = join(workdir, 'paperboy.db');
    const store = createSqliteStore(dbPath);
    const { search } = openSearch(store, dbPath);
    return (q) => search.search(q.text, { pageSize: 10 }).results.map((r) => r.paper.title);
  }
  const base = engine === 'minisearch-fuzzy' ? 'minisearch' : engine;
  const meta = JSON.parse(readFileSync(join(workdir, `${base}-meta.json`), 'utf8')) as Meta;
  const keep = (q: BenchQuery, i: number) =>
    (!q.filter?.cat || meta.cats[i] === q.filter.cat.toLowerCase()) &&
    (!q.filter?.year || meta.years[i] === q.filter.year);
  if (engine === 'fts5') {
    const db = new Database(join(workdir, 'fts5.db'), { readonly: true });
    const stmt = db.prepare<[string], { id: number }>(
      'SELECT rowid AS id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0, 2.0) LIMIT 1000',
    );
    return (q) => {
      const expression = q.words
        .split(/\s+/)
        .map((w) => `"${w.replaceAll('"', '""')}"`)
        .join(' AND ');
      return stmt
        .all(expression)
        .filter((r) => keep(q, r.id))
        .slice(0, 10)
        .map((r) => meta.titles[r.id] as string);
    };
  }
  const ms = MiniSearch.loadJSON(readFileSync(join(workdir, 'minisearch.json'), 'utf8'), MS_OPTIONS);
  const fuzzy = engine === 'minisearch-fuzzy' ? { prefix: true, fuzzy: 0.2 } : {};
  return (q) =>
    ms
      .search(q.words, { boost: { title: 3, authors: 2 }, ...fuzzy, filter: (r) => keep(q, r.id as number) })
      .slice(0, 10)
      .map((r) => meta.titles[r.id as number] as string);
}

function query(): void {
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as BenchQuery[];
  const run = openEngine();
  const first = run(queries[0] as BenchQuery);
  // The parent measures cold start up to this line.
  console.log('FIRST');
  const answers: string[][] = [first];
  const latencies: number[] = [];
  for (const q of queries.slice(1)) {
    const started = performance.now();
    answers.push(run(q));
    latencies.push(performance.now() - started);
  }
  console.log(JSON.stringify({ answers, latencies, queryPeakMb: peakMb() }));
}

if (mode === 'build') await build();
else query();
