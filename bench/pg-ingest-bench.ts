// npx tsx bench/pg-ingest-bench.ts [small|large] [--sqlite]: the ~42,000 pages made from the large corpus stored
// into a fresh PostgreSQL database through createPgPaperStore, the way `paperboy ingest` stores pages (an
// unchanged page answered from a read, the others in one transaction per half second), then the same pages again
// (nothing changed). With --sqlite the same loop runs on the SQLite store too, for a figure from the same run.
// The store alone, for profiling it: `npm run bench:ingest -- --pg` measures the whole `paperboy ingest` command.
// PostgreSQL: see bench/pg-cluster.ts. Needs ../shared/data.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratePg } from '../src/adapters/postgres/pg-migrations.ts';
import { createPgPaperStore } from '../src/adapters/postgres/pg-paper-store.ts';
import { createPgSession } from '../src/adapters/postgres/pg-session.ts';
import { createSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { collectFiles } from '../src/core/ingest/ingest-files.ts';
import { parseProfile } from '../src/core/profile/parse-profile.ts';
import type { PaperStore } from '../src/core/store/paper-store.ts';
import { benchPostgres, pgMissing } from './pg-cluster.ts';

const ROOT = join(import.meta.dirname, '..');
const SHARED = join(ROOT, '..', 'shared');
const corpus = process.argv.includes('small') ? 'small' : 'large';
const withSqlite = process.argv.includes('--sqlite');
const BATCH_MS = 500;

function pagesDir(): string {
  // The same folder as bench/ingest-bench.ts: making the pages takes ~40 s and is not what we measure.
  const dir = join(tmpdir(), `paperboy-bench-pages-${corpus}`);
  if (!existsSync(dir) || readdirSync(dir).length < 100) {
    console.log(`making profile pages from ${corpus}.jsonl.gz into ${dir} …`);
    execFileSync(process.execPath, [
      join(SHARED, 'tools', 'make-profiles.mjs'),
      ...['--corpus', join(SHARED, 'data', 'corpus', `${corpus}.jsonl.gz`)],
      ...['--authors', join(SHARED, 'data', 'corpus', 'authors.jsonl.gz')],
      ...['--out', dir, '--min-papers', corpus === 'small' ? '2' : '3'],
    ]);
  }
  return dir;
}

/** Stores every page as ingest does: unchanged pages from a read, the rest committed every half second. */
async function ingest(store: PaperStore, files: readonly string[]) {
  const started = performance.now();
  let openedAt: number | undefined;
  let written = 0;
  const papers = new Set<number>();
  for (const path of files) {
    const bytes = readFileSync(path);
    const contentHash = createHash('sha1').update(bytes).digest('hex');
    const { profile } = parseProfile(bytes.toString('utf8'), path);
    let saved = await store.unchangedProfile(profile.name, contentHash);
    if (!saved) {
      if (openedAt === undefined) {
        await store.begin();
        openedAt = Date.now();
      }
      saved = await store.saveProfile(profile, { path, contentHash }, new Date());
      written++;
    }
    for (const id of saved.papers.keys()) papers.add(id);
    if (openedAt !== undefined && Date.now() - openedAt >= BATCH_MS) {
      await store.commit();
      openedAt = undefined;
    }
  }
  if (openedAt !== undefined) await store.commit();
  return { seconds: (performance.now() - started) / 1000, written, papers: papers.size };
}

if (!existsSync(join(SHARED, 'data', 'corpus'))) {
  console.log(`skipped: ${join(SHARED, 'data')} is absent (the ingest benchmark needs the shared corpus).`);
} else if (pgMissing()) {
  console.log(`skipped: ${pgMissing()}.`);
} else {
  const { files } = collectFiles([pagesDir()]);
  const postgres = await benchPostgres();
  const rows: string[] = [];
  const row = (store: string, run: string, r: Awaited<ReturnType<typeof ingest>>) =>
    rows.push(
      `| ${store} | ${run} | ${files.length.toLocaleString('en-US')} | ${r.written.toLocaleString('en-US')} | ${r.papers.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} s | ${Math.round(files.length / r.seconds).toLocaleString('en-US')} |`,
    );
  try {
    const session = createPgSession(await postgres.database('paperboy_bench_store'), { max: 4 });
    await migratePg(session.pool);
    const store = createPgPaperStore(session);
    try {
      row('PostgreSQL', 'fresh database', await ingest(store, files));
      row('PostgreSQL', 'same pages again', await ingest(store, files));
      const size = await session.query<{ mb: number }>(
        'SELECT round(pg_database_size(current_database()) / 1e6)::int AS mb',
      );
      rows.push(`\nPostgreSQL database size: ${size.rows[0]?.mb} MB`);
    } finally {
      await store.close();
    }
    if (withSqlite) {
      const work = mkdtempSync(join(tmpdir(), 'paperboy-bench-sqlite-'));
      const sqlite: PaperStore = createSqliteStore(join(work, 'bench.db'));
      try {
        row('SQLite', 'fresh database', await ingest(sqlite, files));
        row('SQLite', 'same pages again', await ingest(sqlite, files));
      } finally {
        await sqlite.close();
        rmSync(work, { recursive: true, force: true });
      }
    }
  } finally {
    await postgres.stop();
  }
  console.log(`\n## pages from the ${corpus} corpus stored through the paper store (target: < 120 s)\n`);
  console.log('| store | run | pages | pages written | distinct papers | wall time | pages/s |');
  console.log('|---|---|---|---|---|---|---|');
  for (const line of rows) console.log(line);
}
