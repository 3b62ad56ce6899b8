// npm run bench:ingest: the whole `paperboy ingest` command on the ~42,000 pages made from the large corpus,
// into a fresh database, then again on the same pages (nothing changed). Needs ../shared/data.
// `-- --pg`: the same command with DATABASE_URL set (a fresh PostgreSQL database, see bench/pg-cluster.ts) and,
// in the same run, with --db on SQLite, in one table (target: PostgreSQL under 2 minutes).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPostgres, pgMissing } from './pg-cluster.ts';

const ROOT = join(import.meta.dirname, '..');
const SHARED = join(ROOT, '..', 'shared');
const corpus = process.argv.includes('small') ? 'small' : 'large';
const withPg = process.argv.includes('--pg');
const minPapers = corpus === 'small' ? '2' : '3';
const TARGET = { seconds: 60, rssMb: 1024 };

function pagesDir(): string {
  // Making the pages takes ~40 s and is not what we measure: keep them between runs.
  const dir = join(tmpdir(), `paperboy-bench-pages-${corpus}`);
  if (!existsSync(dir) || readdirSync(dir).length < 100) {
    console.log(`making profile pages from ${corpus}.jsonl.gz into ${dir} …`);
    execFileSync(process.execPath, [
      join(SHARED, 'tools', 'make-profiles.mjs'),
      ...['--corpus', join(SHARED, 'data', 'corpus', `${corpus}.jsonl.gz`)],
      ...['--authors', join(SHARED, 'data', 'corpus', 'authors.jsonl.gz')],
      ...['--out', dir, '--min-papers', minPapers],
    ]);
  }
  return dir;
}

/** Where `paperboy ingest` stores: `--db FILE`, or DATABASE_URL with this process's own search cache. */
type Target = { db: string } | { url: string; cache: string };

function ingest(
  pages: string,
  target: Target,
): Promise<{ seconds: number; rssMb: number; totals: Record<string, number> }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'bench', 'report-rss.mjs'),
        join(ROOT, 'bin', 'paperboy.js'),
        'ingest',
        pages,
        ...('db' in target ? ['--db', target.db] : []),
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env:
          'db' in target
            ? process.env
            : { ...process.env, DATABASE_URL: target.url, PAPERBOY_SEARCH_CACHE: target.cache },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const rss = Number(/PEAK_RSS_KB (\d+)/.exec(err)?.[1] ?? 0);
      if (code !== 0) return reject(new Error(`ingest exited ${code}: ${err.slice(-2000)}`));
      resolve({ seconds, rssMb: rss / 1024, totals: JSON.parse(out).totals });
    });
  });
}

const size = (db: string) =>
  ['', '-wal', '.search-index.json'].reduce(
    (sum, ext) => sum + (existsSync(db + ext) ? statSync(db + ext).size : 0),
    0,
  ) / 1e6;

const mb = (n: number) => `${Math.round(n).toLocaleString('en-US')} MB`;

if (!existsSync(join(SHARED, 'data', 'corpus'))) {
  console.log(`skipped: ${join(SHARED, 'data')} is absent (the ingest benchmark needs the shared corpus).`);
} else if (withPg && pgMissing()) {
  console.log(`skipped: ${pgMissing()} (the PostgreSQL ingest benchmark needs one).`);
} else if (withPg) {
  const pages = pagesDir();
  const count = readdirSync(pages).length;
  const work = mkdtempSync(join(tmpdir(), 'paperboy-bench-ingest-'));
  const postgres = await benchPostgres();
  const rows: string[] = [];
  const row = (store: string, run: string, r: Awaited<ReturnType<typeof ingest>>, dbSize: string) =>
    rows.push(
      `| ${store} | ${run} | ${count.toLocaleString('en-US')} | ${r.totals.papers?.toLocaleString('en-US')} (${r.totals.newPapers?.toLocaleString('en-US')} new) | ${r.seconds.toFixed(1)} s | ${Math.round(count / r.seconds).toLocaleString('en-US')} | ${mb(r.rssMb)} | ${dbSize} |`,
    );
  try {
    const sqlite = { db: join(work, 'bench.db') };
    console.error('SQLite: paperboy ingest --db …');
    const sqliteFresh = await ingest(pages, sqlite);
    const sqliteSize = `${mb(size(sqlite.db))} (file, WAL, snapshot)`;
    row('SQLite', 'fresh database', sqliteFresh, sqliteSize);
    row('SQLite', 'same pages again', await ingest(pages, sqlite), sqliteSize);
    const target = { url: await postgres.database('paperboy_bench_ingest'), cache: join(work, 'search-cache.sqlite') };
    console.error('PostgreSQL: DATABASE_URL=… paperboy ingest …');
    const pgFresh = await ingest(pages, target);
    const pgDbSize = `${mb((await postgres.size(target.url)) / 1e6)} + cache ${mb(size(target.cache))}`;
    row('PostgreSQL', 'fresh database', pgFresh, pgDbSize);
    row('PostgreSQL', 'same pages again', await ingest(pages, target), pgDbSize);
  } finally {
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n## paperboy ingest, pages from the ${corpus} corpus, SQLite and PostgreSQL in one run\n`);
  console.log('| store | run | pages | distinct papers | wall time | pages/s | peak RSS | database size |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log('| target | PostgreSQL, fresh | | | < 120 s | | | |');
  for (const line of rows) console.log(line);
} else {
  const pages = pagesDir();
  const count = readdirSync(pages).length;
  const work = mkdtempSync(join(tmpdir(), 'paperboy-bench-ingest-'));
  const db = join(work, 'bench.db');
  try {
    const fresh = await ingest(pages, { db });
    const dbSize = size(db);
    const again = await ingest(pages, { db });
    const row = (name: string, r: typeof fresh) =>
      `| ${name} | ${count.toLocaleString('en-US')} | ${r.totals.papers?.toLocaleString('en-US')} (${r.totals.newPapers?.toLocaleString('en-US')} new) | ${r.seconds.toFixed(1)} s | ${Math.round(count / r.seconds).toLocaleString('en-US')} | ${Math.round((r.totals.papers ?? 0) / r.seconds).toLocaleString('en-US')} | ${Math.round(r.rssMb)} MB |`;
    console.log(`\n## paperboy ingest, pages from the ${corpus} corpus (whole command, search index included)\n`);
    console.log('| run | pages | distinct papers | wall time | pages/s | papers/s | peak RSS |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(`| target | | | < ${TARGET.seconds} s | | | < ${TARGET.rssMb} MB |`);
    console.log(row('fresh database', fresh));
    console.log(row('same pages again (unchanged)', again));
    console.log(`\ndatabase size: ${dbSize.toFixed(0)} MB (SQLite file, WAL and search-index snapshot)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
