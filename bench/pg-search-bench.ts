// `npm run bench:scale -- --pg`: search on an instance backed by PostgreSQL beside SQLite, in one run.
// The large corpus (191k papers) goes through `paperboy ingest` into both stores; then (a) an instance's cold
// start: a `paperboy search -` process from spawn to its first right answer, with no search cache yet (a new
// PAPERBOY_SEARCH_CACHE path) and again with that cache present; (b) query p50/p99 over the benchmark's queries
// on each store, one at a time through a running `paperboy search -`, and whether every query's ids are equal.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchQuery, makeIssueQueries, makeQueries } from './bench-queries.ts';
import { type Env, paperboy, percentile, type SearchAnswer, startSearch } from './cli-process.ts';
import { benchPostgres } from './pg-cluster.ts';
import { sampleCorpus } from './scale-corpus.ts';

const SAMPLE = 50_000;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (n: number) => `${Math.round(n).toLocaleString('en-US')} MB`;
const sizeMb = (file: string) => (existsSync(file) ? statSync(file).size / 1e6 : 0);

interface Store {
  label: string;
  args: string[];
  env: Env;
}

async function ingest(bin: string, corpus: string, store: Store) {
  console.error(`[${store.label}] paperboy ingest ${corpus} …`);
  const r = await paperboy(bin, ['ingest', corpus, '--json', ...store.args], undefined, store.env);
  if (r.code !== 0) throw new Error(`${store.label}: ingest exited ${r.code}: ${r.err.slice(-2000)}`);
  return { ms: r.ms, rssMb: r.rssMb, papers: (JSON.parse(r.out) as { totals: { papers: number } }).totals.papers };
}

const right = (answer: SearchAnswer, q: BenchQuery) => answer.results?.some((r) => r.title === q.target) ?? false;

/** From spawn to the first right answer of a new `paperboy search -`, then every query through it. */
async function queryAll(bin: string, store: Store, queries: BenchQuery[]) {
  const first = queries[0] as BenchQuery;
  const search = startSearch(bin, store.args, store.env);
  const firstAnswer = await search.ask(first.text);
  const coldMs = performance.now() - search.started;
  const latencies: number[] = [];
  const ids: number[][] = [firstAnswer.answer.results?.map((r) => r.id) ?? []];
  for (const q of queries.slice(1)) {
    const { ms, answer } = await search.ask(q.text);
    latencies.push(ms);
    ids.push(answer.results?.map((r) => r.id) ?? []);
  }
  const rssMb = await search.stop();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    coldMs,
    coldRight: right(firstAnswer.answer, first),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    rssMb,
    ids,
  };
}

/** Only the cold start: a new `paperboy search -`, its first answer, stopped. */
async function coldStart(bin: string, store: Store, first: BenchQuery) {
  const search = startSearch(bin, store.args, store.env);
  const { answer } = await search.ask(first.text);
  const coldMs = performance.now() - search.started;
  const rssMb = await search.stop();
  return { coldMs, coldRight: right(answer, first), rssMb };
}

export async function benchPgSearch(bin: string, corpus: string, work: string): Promise<void> {
  const postgres = await benchPostgres();
  try {
    const db = join(work, 'pg-bench-sqlite.db');
    for (const suffix of ['', '-wal', '-shm', '.search-index.json']) rmSync(db + suffix, { force: true });
    const sqlite: Store = { label: 'SQLite', args: ['--db', db], env: {} };
    const url = await postgres.database('paperboy_bench_search');
    const pgEnv = (cache: string): Store => ({
      label: 'PostgreSQL',
      args: [],
      env: { DATABASE_URL: url, PAPERBOY_SEARCH_CACHE: join(work, cache) },
    });
    const ingested = {
      sqlite: await ingest(bin, corpus, sqlite),
      pg: await ingest(bin, corpus, pgEnv('ingest-cache.sqlite')),
    };

    console.error('making queries from a sample …');
    const sample = await sampleCorpus(corpus, Math.max(1, Math.round(ingested.sqlite.papers / SAMPLE)));
    const queries: BenchQuery[] = [...makeQueries(sample), ...makeIssueQueries(sample)];

    // A new cache path: this instance has never run here. Then the same path again: its cache is present.
    const fresh = pgEnv('instance-cache.sqlite');
    for (const suffix of ['', '-wal', '-shm', '.search-index.json'])
      rmSync(join(work, `instance-cache.sqlite${suffix}`), { force: true });
    console.error(`[PostgreSQL] cold start without a search cache, then ${queries.length} queries …`);
    const pgRun = await queryAll(bin, fresh, queries);
    console.error('[PostgreSQL] cold start with the cache present …');
    const pgWarm = await coldStart(bin, fresh, queries[0] as BenchQuery);
    console.error(`[SQLite] cold start, then ${queries.length} queries …`);
    const sqliteRun = await queryAll(bin, sqlite, queries);

    const differ = queries.filter((_, i) => JSON.stringify(pgRun.ids[i]) !== JSON.stringify(sqliteRun.ids[i]));
    const size = await postgres.size(url);
    const cacheMb = ['', '-wal', '.search-index.json'].reduce(
      (sum, suffix) => sum + sizeMb(join(work, `instance-cache.sqlite${suffix}`)),
      0,
    );
    const sqliteMb = ['', '-wal', '.search-index.json'].reduce((sum, suffix) => sum + sizeMb(db + suffix), 0);
    const cold = (r: { coldMs: number; coldRight: boolean; rssMb: number }) =>
      `${s(r.coldMs)} / ${mb(r.rssMb)} / ${r.coldRight ? 'right' : 'WRONG'}`;
    console.log(`\n## search on PostgreSQL beside SQLite, one run (npm run bench:scale -- --pg)\n`);
    console.log(
      '| store | papers | `paperboy ingest` JSONL: time / peak RSS | store + search cache | cold start, no cache: time / peak RSS / first answer | cold start, cache present | query p50 / p99 | query peak RSS |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    console.log('| target | 191k | | | < 30 s | < 30 s | p99 within 20% of SQLite | |');
    console.log(
      `| PostgreSQL | ${ingested.pg.papers.toLocaleString('en-US')} | ${s(ingested.pg.ms)} / ${mb(ingested.pg.rssMb)} | ${mb(size / 1e6)} + ${mb(cacheMb)} | ${cold(pgRun)} | ${cold(pgWarm)} | ${pgRun.p50.toFixed(1)} / ${pgRun.p99.toFixed(1)} ms | ${mb(pgRun.rssMb)} |`,
    );
    console.log(
      `| SQLite | ${ingested.sqlite.papers.toLocaleString('en-US')} | ${s(ingested.sqlite.ms)} / ${mb(ingested.sqlite.rssMb)} | ${mb(sqliteMb)} (file + snapshot) | ${cold(sqliteRun)} (snapshot from the ingest) | | ${sqliteRun.p50.toFixed(1)} / ${sqliteRun.p99.toFixed(1)} ms | ${mb(sqliteRun.rssMb)} |`,
    );
    console.log(
      `\n${queries.length} queries (made from a sample of ${SAMPLE.toLocaleString('en-US')} records), one at a time; p99 PostgreSQL / SQLite: ${(pgRun.p99 / sqliteRun.p99).toFixed(2)}x. Same ids in the same order for ${queries.length - differ.length}/${queries.length} queries${
        differ.length
          ? `; differing: ${differ
              .slice(0, 5)
              .map((q) => JSON.stringify(q.text))
              .join(', ')}`
          : ''
      }.`,
    );
  } finally {
    await postgres.stop();
  }
}
