import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { TextIndex } from '../../core/search/text-index.ts';
import type { PaperStore, StoredPaper } from '../../core/store/paper-store.ts';
import { ftsQueries } from './sqlite-text-index.ts';

/**
 * What a cache reads of the store it is fed from: {@link PaperStore}'s methods of those names, as Promises (the
 * async store contract) or plain values (today's synchronous SQLite store).
 */
export interface TextCacheSource {
  papersChangedSince(rev: number, limit: number): StoredPaper[] | Promise<StoredPaper[]>;
  identity(): string | Promise<string>;
  maxRev(): number | Promise<number>;
}

/** A {@link TextIndex} kept in a local SQLite file, fed from any store by rev. */
export interface SqliteTextCache extends Omit<TextIndex, 'catchUp'> {
  /**
   * Brings the cache up to the store's rev: the papers changed since the cache's rev, in batches, each batch one
   * transaction. A cache fed from another database, or from one whose rev went back (a restored backup), is
   * refilled from scratch. Calls run one after another.
   */
  catchUp(store: TextCacheSource): Promise<void>;
}

export interface SqliteTextCacheOptions {
  /** Papers read from the store per call and written per transaction (default 5,000). */
  batchSize?: number;
}

// Bumped whenever the table or what goes into it changes: a cache of another format is refilled.
const FORMAT = 'paperboy-text-cache 1';

// The columns, tokenizer and (in the queries below) BM25 weights of the store's `paper_text` (migrations.ts,
// migration 3), so the answers are the same. The table keeps its own copy of the text: a contentless one
// (`contentless_delete`) forgets to take a deleted row out of the document count and lengths, so BM25 drifts
// from the store's after the first changed paper (docs/search.md).
const SCHEMA = `
  CREATE TABLE cache_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE VIRTUAL TABLE paper_text USING fts5(
    title, authors, affiliations, abstract, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO cache_meta (name, value) VALUES ('format', '${FORMAT}'), ('identity', ''), ('rev', '0');
`;

const FILL_SETTINGS = `
  INSERT INTO paper_text (paper_text, rank) VALUES ('automerge', 0);
  INSERT INTO paper_text (paper_text, rank) VALUES ('crisismerge', 1000);
`;
const DEFAULT_SETTINGS = `
  INSERT INTO paper_text (paper_text, rank) VALUES ('automerge', 4);
  INSERT INTO paper_text (paper_text, rank) VALUES ('crisismerge', 16);
`;

interface CacheState {
  identity: string;
  rev: number;
}

const FILLING = '.filling-';

/** The rows as the store's own text index holds them: authors and affiliations are the store's JSON text. */
const textRow = (paper: StoredPaper) => [
  paper.id,
  paper.title,
  JSON.stringify(paper.authors),
  JSON.stringify(paper.affiliations),
  paper.abstract,
];

function emptyCache(file: string): Database.Database {
  const db = new Database(file);
  db.exec(SCHEMA);
  return db;
}

/** The cache's identity and rev, or undefined when the file is not a whole cache of this format. */
function stateOf(db: Database.Database): CacheState | undefined {
  const rows = db.prepare<[], { name: string; value: string }>('SELECT name, value FROM cache_meta').all();
  const meta = new Map(rows.map((row) => [row.name, row.value]));
  const rev = Number(meta.get('rev'));
  if (meta.get('format') !== FORMAT || !Number.isSafeInteger(rev) || rev < 0) return undefined;
  db.prepare('SELECT rowid FROM paper_text LIMIT 1').all();
  return { identity: meta.get('identity') ?? '', rev };
}

const removeFile = (file: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Fills that a process left behind when it died (a fill is written beside the cache, then renamed over it). */
function removeDeadFills(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(file)}${FILLING}`;
  const names = existsSync(dir) ? readdirSync(dir) : [];
  for (const name of names) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (name.startsWith(prefix) && Number.isInteger(pid) && !isAlive(pid)) removeFile(join(dir, name));
  }
}

/**
 * Opens the cache at `file`, if it is a whole cache of this format: else it is removed (a cache is only ever
 * refilled, never repaired) and an empty one answers until the first {@link SqliteTextCache.catchUp} fills it.
 */
function openCache(file: string): { db: Database.Database; state: CacheState } {
  if (file !== ':memory:' && existsSync(file)) {
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const state = stateOf(db);
      if (state) return { db, state };
    } catch {
      // Not a SQLite file, damaged, or of another shape: refilled like a missing one.
    }
    db?.close();
    removeFile(file);
  }
  return { db: emptyCache(':memory:'), state: { identity: '', rev: 0 } };
}

/**
 * A local full-text cache of the papers of a store, for an instance whose store is not a SQLite file of its own
 * (PostgreSQL): an FTS5 table with exactly the columns, tokenizer and BM25 weights of the SQLite store's, so
 * {@link TextIndex.matchText}, {@link TextIndex.scoreText} and {@link TextIndex.hasTerm} answer as the SQLite store
 * does over the same papers. Its `cache_meta` records the rev it holds everything up to and the identity of the
 * store it was fed from (docs/search.md, "The local text cache").
 *
 * The first fill (and any refill) is written to a file beside the cache without a journal or syncs, then renamed
 * over it: a crash mid-fill leaves no half cache at `file`, only a file that the next open removes.
 *
 * @param file - the cache file (made with its folder if missing), or `:memory:`
 * @example
 * const cache = createSqliteTextCache('/var/lib/paperboy/text-cache.db');
 * await cache.catchUp(store); // before a query, or on a timer
 * cache.matchText('"reward" AND "hacking"');
 */
export function createSqliteTextCache(file: string, options: SqliteTextCacheOptions = {}): SqliteTextCache {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 5000));
  const memory = file === ':memory:';
  if (!memory) {
    mkdirSync(dirname(file), { recursive: true });
    removeDeadFills(file);
  }
  let { db, state } = openCache(file);
  let statements = new Map<string, Database.Statement>();
  const prepared = <P extends unknown[] = unknown[], R = unknown>(source: string): Database.Statement<P, R> => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };
  let checked: TextCacheSource | undefined;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const writer = (target: Database.Database, replace: boolean) => {
    const remove = target.prepare<[number]>('DELETE FROM paper_text WHERE rowid = ?');
    const insert = target.prepare(
      'INSERT INTO paper_text (rowid, title, authors, affiliations, abstract) VALUES (?, ?, ?, ?, ?)',
    );
    const setRev = target.prepare<[string]>("UPDATE cache_meta SET value = ? WHERE name = 'rev'");
    // A paper changed while a fill reads comes again at its new rev; in a fill, only those rows are replaced.
    const seen = new Set<number>();
    return target.transaction((papers: readonly StoredPaper[]) => {
      for (const paper of papers) {
        if (replace || seen.has(paper.id)) remove.run(paper.id);
        else seen.add(paper.id);
        insert.run(textRow(paper));
      }
      const last = papers.at(-1);
      if (last) setRev.run(String(last.rev));
    });
  };

  /** Reads every paper changed after `from`, batch by batch (the next read starts before a batch is written). */
  async function feed(store: TextCacheSource, from: number, write: (papers: readonly StoredPaper[]) => void) {
    let rev = from;
    let pending = Promise.resolve(store.papersChangedSince(rev, batchSize));
    for (;;) {
      const papers = await pending;
      if (closed) return rev;
      const last = papers.at(-1);
      const full = papers.length >= batchSize && last !== undefined;
      if (full) {
        pending = Promise.resolve(store.papersChangedSince(last.rev, batchSize));
        // Awaited at the next turn; a failure meanwhile must not surface as an unhandled rejection.
        pending.catch(() => {});
      }
      write(papers);
      if (last) rev = last.rev;
      if (!full) return rev;
    }
  }

  const setMeta = (target: Database.Database, values: CacheState) => {
    const set = target.prepare<[string, string]>('UPDATE cache_meta SET value = ? WHERE name = ?');
    target.transaction(() => {
      set.run(values.identity, 'identity');
      set.run(String(values.rev), 'rev');
    })();
  };

  const swapIn = (next: Database.Database, nextState: CacheState) => {
    db.close();
    db = next;
    state = nextState;
    statements = new Map();
  };

  /** Fills a new cache from the whole store and puts it in place of the current one. */
  async function fill(store: TextCacheSource, identity: string, target: number): Promise<void> {
    const path = memory ? ':memory:' : `${file}${FILLING}${process.pid}-${Date.now()}`;
    const next = emptyCache(path);
    try {
      // A fill that does not finish is thrown away whole, so it needs neither a journal nor syncs.
      if (!memory) {
        next.pragma('journal_mode = OFF');
        next.pragma('synchronous = OFF');
      }
      // No merging while filling (each batch leaves a segment), then one merge of them all: 191k papers filled
      // in a quarter less time (docs/search.md). Afterwards FTS5's defaults merge as rows change.
      next.exec(FILL_SETTINGS);
      const rev = await feed(store, 0, writer(next, false));
      if (closed) return;
      next.exec("INSERT INTO paper_text (paper_text) VALUES ('optimize')");
      next.exec(DEFAULT_SETTINGS);
      const filled = { identity, rev: Math.max(rev, target) };
      setMeta(next, filled);
      if (memory) {
        swapIn(next, filled);
        return;
      }
      next.close();
      const fd = openSync(path, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      db.close();
      try {
        removeFile(file);
        renameSync(path, file);
      } finally {
        // The fill in place, or (a failed rename) no file and an empty cache that the next catchUp fills.
        ({ db, state } = openCache(file));
        statements = new Map();
      }
    } finally {
      if (next.open && next !== db) next.close();
      if (!memory) removeFile(path);
    }
  }

  async function catchUpNow(store: TextCacheSource): Promise<void> {
    if (closed) return;
    if (store !== checked) {
      const identity = await store.identity();
      if (closed) return;
      // Another database's papers under the same ids: nothing of this cache is worth keeping.
      if (identity !== state.identity) swapIn(emptyCache(':memory:'), { identity, rev: 0 });
      checked = store;
    }
    const target = await store.maxRev();
    if (closed || target === state.rev) return;
    // A store behind the cache (a backup put back) may hold other papers at the revs the cache has seen.
    if (target < state.rev) swapIn(emptyCache(':memory:'), { identity: state.identity, rev: 0 });
    if (state.rev === 0) return fill(store, state.identity, target);
    const write = writer(db, true);
    // Each batch moves the rev on as it commits: a catch-up that fails halfway resumes after what it wrote.
    const rev = await feed(store, state.rev, (papers) => {
      write(papers);
      const last = papers.at(-1);
      if (last) state = { identity: state.identity, rev: last.rev };
    });
    if (closed) return;
    state = { identity: state.identity, rev: Math.max(rev, target) };
    setMeta(db, state);
  }

  return {
    ...ftsQueries(prepared),
    rev: () => state.rev,
    catchUp: (store) => {
      const run = queue.then(() => catchUpNow(store));
      queue = run.catch(() => {});
      return run;
    },
    close: () => {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
