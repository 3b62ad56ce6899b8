// npx tsx bench/text-cache-bench.ts [--batch N]: an instance's local text cache against the large corpus
// (191k papers): a cold catchUp into a fresh cache file, fed through the async store contract from a SQLite store
// made by ingesting ../shared/data/corpus/large.jsonl.gz (made once, kept in the bench cache folder, reused); then
// the benchmark queries (bench-queries.ts) searched over the store's own FTS5 and over the cache: every
// matchText/scoreText/hasTerm answer and every result page must be equal. Needs ../shared/data (skips without it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextCache } from '../src/adapters/sqlite/sqlite-text-cache.ts';
import { createSqliteTextIndex } from '../src/adapters/sqlite/sqlite-text-index.ts';
import { PaperIndex, snapshotPathFor } from '../src/core/search/paper-index.ts';
import { createSearch, type SearchPage } from '../src/core/search/search.ts';
import type { TextIndex } from '../src/core/search/text-index.ts';
import { makeIssueQueries, makeQueries, readCorpus } from './bench-queries.ts';
import { CACHE_DIR } from './scale-corpus.ts';

const ROOT = join(import.meta.dirname, '..');
const LARGE = join(ROOT, '..', 'shared', 'data', 'corpus', 'large.jsonl.gz');
const DB = join(CACHE_DIR, 'large.db');
const batchArg = process.argv.indexOf('--batch');
const batchSize = batchArg > 0 ? Number(process.argv[batchArg + 1]) : undefined;

const CHANGED = 1000;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** The SQLite store of the large corpus, ingested by the CLI as a user would, once. */
function ingestedDatabase(): string {
  if (existsSync(DB)) return DB;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = join(CACHE_DIR, 'large.partial.db');
  for (const suffix of ['', '-wal', '-shm', '.search-index.json']) rmSync(partial + suffix, { force: true });
  console.error(`ingesting ${LARGE} into ${DB} (once) …`);
  const bin = join(ROOT, 'bin', 'paperboy.js');
  const done = spawnSync(process.execPath, [bin, 'ingest', LARGE, '--db', partial, '--json'], { stdio: 'inherit' });
  if (done.status !== 0) throw new Error(`paperboy ingest exited ${done.status}`);
  for (const suffix of ['', '.search-index.json']) renameSync(partial + suffix, DB + suffix);
  return DB;
}

type TextCall =
  | { kind: 'matchText'; expression: string; among: readonly number[] | undefined }
  | { kind: 'scoreText'; expression: string; among: readonly number[] | undefined }
  | { kind: 'hasTerm'; term: string };

/** The full-text answers of `text`, each call written down with its time. */
function withText(text: TextIndex) {
  const calls: TextCall[] = [];
  const times: number[] = [];
  const timed = <T>(call: TextCall, work: () => T): T => {
    const started = performance.now();
    const out = work();
    times.push(performance.now() - started);
    calls.push(call);
    return out;
  };
  const wrapped: TextIndex = {
    rev: () => text.rev(),
    catchUp: (store) => text.catchUp(store),
    close: () => text.close(),
    matchText: (expression, among) =>
      timed({ kind: 'matchText', expression, among }, () => text.matchText(expression, among)),
    scoreText: (expression, among) =>
      timed({ kind: 'scoreText', expression, among }, () => text.scoreText(expression, among)),
    hasTerm: (term) => timed({ kind: 'hasTerm', term }, () => text.hasTerm(term)),
    wordsStartingWith: (prefix) => text.wordsStartingWith(prefix),
    papersHolding: (word) => text.papersHolding(word),
  };
  return { text: wrapped, calls, times };
}

const answer = (text: Pick<TextIndex, 'matchText' | 'scoreText' | 'hasTerm'>, call: TextCall): unknown =>
  call.kind === 'hasTerm'
    ? text.hasTerm(call.term)
    : call.kind === 'matchText'
      ? text.matchText(call.expression, call.among)
      : text.scoreText(call.expression, call.among);

const pageOf = (page: SearchPage) => ({
  total: page.total,
  relaxed: page.relaxed,
  didYouMean: page.didYouMean,
  results: page.results.map((hit) => [hit.paper.id, hit.score, hit.matchedTerms.join(' ')]),
});

async function main(): Promise<void> {
  if (!existsSync(LARGE)) {
    console.log(`skipped: ${LARGE} is absent (the text cache benchmark needs the shared corpus).`);
    return;
  }
  const dbFile = ingestedDatabase();
  const store = createSqliteStore(dbFile);
  const { papers } = await store.counts();
  const work = mkdtempSync(join(tmpdir(), 'paperboy-bench-text-cache-'));
  const cacheFile = join(work, 'text-cache.db');
  try {
    // Cold: a new instance with no cache file, fed through the async contract as from PostgreSQL.
    const rssBefore = process.memoryUsage().rss;
    const load = loadavg()[0] ?? 0;
    const cpuBefore = process.cpuUsage();
    const coldStarted = performance.now();
    const cache = createSqliteTextCache(cacheFile, batchSize ? { batchSize } : {});
    await cache.catchUp(store);
    const coldMs = performance.now() - coldStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const coldCpuMs = (cpu.user + cpu.system) / 1000;
    const rssPeak = process.resourceUsage().maxRSS * 1024;
    cache.close();
    const warmStarted = performance.now();
    const reopened = createSqliteTextCache(cacheFile);
    await reopened.catchUp(store);
    const warmMs = performance.now() - warmStarted;
    console.error(`cold catchUp ${s(coldMs)}, reopen + catchUp ${s(warmMs)}`);

    const corpus = await readCorpus(LARGE);
    const queries = [...makeQueries(corpus), ...makeIssueQueries(corpus)];
    const snapshotPath = snapshotPathFor(dbFile);
    const index = await PaperIndex.open(snapshotPath ? { store, snapshotPath } : { store });
    const ownText = createSqliteTextIndex(store.db);
    const own = withText(ownText);
    const cached = withText(reopened);
    const ownSearch = createSearch({ index, store, text: own.text });
    const cachedSearch = createSearch({ index, store, text: cached.text });
    let pagesDiffer = 0;
    for (const query of queries) {
      for (const page of [1, 2]) {
        const a = JSON.stringify(pageOf(await ownSearch.search(query.text, { pageSize: 10, page })));
        const b = JSON.stringify(pageOf(await cachedSearch.search(query.text, { pageSize: 10, page })));
        if (a !== b) {
          pagesDiffer++;
          if (pagesDiffer <= 5) console.error(`page differs: ${query.text} (page ${page})\n  store ${a}\n  cache ${b}`);
        }
      }
    }
    // Every call the store's search made, asked again of both: the same answer, value for value.
    let callsDiffer = 0;
    for (const call of own.calls) {
      if (JSON.stringify(answer(ownText, call)) !== JSON.stringify(answer(reopened, call))) {
        callsDiffer++;
        if (callsDiffer <= 5) console.error(`call differs: ${JSON.stringify(call).slice(0, 300)}`);
      }
    }
    const kinds = (kind: TextCall['kind']) => own.calls.filter((c) => c.kind === kind).length;
    // 1,000 papers changed since (here: the newest 1,000 again, at later revs): each row deleted and inserted.
    const maxRev = await store.maxRev();
    const newest = await store.papersChangedSince(maxRev - CHANGED, CHANGED);
    const changed = {
      identity: async () => store.identity(),
      maxRev: async () => maxRev + CHANGED,
      papersChangedSince: async (rev: number, limit: number) =>
        newest
          .map((p) => ({ ...p, rev: p.rev + CHANGED }))
          .filter((p) => p.rev > rev)
          .slice(0, limit),
    };
    const changedStarted = performance.now();
    await reopened.catchUp(changed);
    const changedMs = performance.now() - changedStarted;
    const afterChange = own.calls.filter(
      (call) => JSON.stringify(answer(ownText, call)) !== JSON.stringify(answer(reopened, call)),
    ).length;
    reopened.close();
    const size = statSync(cacheFile).size;
    const dbSize = statSync(dbFile).size;

    console.log(`\n## Local text cache, ${papers.toLocaleString('en-US')} papers\n`);
    console.log(
      '| cold catchUp into a new file: wall / CPU (load average at start) | papers/s | cache file (store file) | RSS added / peak | reopen + catchUp, nothing new |',
    );
    console.log('|---|---|---|---|---|');
    console.log(
      `| ${s(coldMs)} / ${s(coldCpuMs)} (${load.toFixed(1)}) | ${Math.round(papers / (coldMs / 1000)).toLocaleString('en-US')} | ${mb(size)} (${mb(dbSize)}) | ${mb(Math.max(0, rssPeak - rssBefore))} / ${mb(rssPeak)} | ${(warmMs).toFixed(1)} ms |`,
    );
    console.log(
      `\nBenchmark queries: ${queries.length}, pages 1 and 2 of 10 each, searched over the store's FTS5 and over the cache: ${pagesDiffer} pages differ.`,
    );
    console.log(
      `Text calls of those searches: ${own.calls.length} (${kinds('matchText')} matchText, ${kinds('scoreText')} scoreText, ${kinds('hasTerm')} hasTerm), each asked again of both: ${callsDiffer} differ.`,
    );
    console.log(
      `Time per text call, store FTS5 / cache: p50 ${percentile(own.times, 50).toFixed(2)} / ${percentile(cached.times, 50).toFixed(2)} ms, p99 ${percentile(own.times, 99).toFixed(2)} / ${percentile(cached.times, 99).toFixed(2)} ms.`,
    );
    console.log(
      `${CHANGED.toLocaleString('en-US')} papers changed: catchUp ${changedMs.toFixed(0)} ms; every text call asked again after it: ${afterChange} differ.`,
    );
    if (pagesDiffer > 0 || callsDiffer > 0 || afterChange > 0) process.exitCode = 1;
  } finally {
    store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
