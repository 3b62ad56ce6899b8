import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BULK_TEXT_THRESHOLD } from '../../../src/adapters/sqlite/sqlite-bulk-text.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { PROJECT_ROOT } from '../../../src/config.ts';
import type { PaperInput } from '../../../src/core/store/paper-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');
const NOW = new Date('2026-12-08T04:00:00Z');

/** Random-looking but reproducible words, so the text index holds many distinct terms. */
const wordOf = (n: number) => `w${((n * 2654435761) % 99991).toString(36)}`;

function paper(i: number, mark: string): PaperInput {
  return {
    title: `${mark} study ${i} of ${wordOf(i)} and ${wordOf(i + 7)}`,
    authors: [`Author ${wordOf(i + 3)}`],
    authorsTruncated: false,
    affiliations: [],
    abstract: `We report ${wordOf(i + 11)} ${wordOf(i + 13)} results for case ${i}.`,
    date: '2020-01-02',
    category: 'LG',
    categoryFull: 'cs.LG',
    hasCode: false,
    codeUrl: null,
    arxivId: null,
    venue: null,
    citations: null,
  };
}

function writeRecords(file: string, count: number, mark: string, from = 0) {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    const p = paper(i, mark);
    lines.push(
      JSON.stringify({
        title: p.title,
        authors: p.authors,
        date: p.date,
        category: p.categoryFull,
        abstract: p.abstract,
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const textTriggers = (db: Database.Database) =>
  db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'papers_text_%' ORDER BY name")
    .all();

/** FTS5's own check of an external-content index against its table (throws on a mismatch). */
const integrityCheck = (db: Database.Database) =>
  db.prepare("INSERT INTO paper_text (paper_text, rank) VALUES ('integrity-check', 1)").run();

/**
 * One consistent read, as a search in another process makes it: in one read transaction, the papers carrying
 * `mark` in their title and the ones the text index finds for it.
 */
function readBoth(db: Database.Database, mark: string) {
  const index = createSqliteTextIndex(db);
  return db.transaction(() => {
    const stored = db
      .prepare('SELECT id FROM papers WHERE title LIKE ? ORDER BY id')
      .pluck()
      .all(`${mark} %`) as number[];
    const found = (index.matchText(mark) as number[]).sort((a, b) => a - b);
    const real = db
      .prepare('SELECT count(*) FROM papers WHERE id IN (SELECT value FROM json_each(?))')
      .pluck()
      .get(JSON.stringify(found)) as number;
    return { stored, found, real };
  })();
}

describe('large imports index their text in bulk (SQLite)', () => {
  const tempDir = useTempDir();

  it('indexes a large transaction at commit, keeps updates of older and newer papers right, and restores the triggers', async () => {
    const file = join(tempDir(), 'p.db');
    const store = createSqliteStore(file);
    const { db } = store;
    const before = textTriggers(db);
    await store.begin();
    await store.savePapers([paper(0, 'zqold'), paper(1, 'zqold')], NOW);
    await store.commit();

    await store.begin();
    const count = BULK_TEXT_THRESHOLD + 1500;
    for (let i = 0; i < count; i += 1000)
      await store.savePapers(
        Array.from({ length: Math.min(1000, count - i) }, (_, k) => paper(i + k, 'zqnew')),
        NOW,
      );
    // Past the threshold, new rows are no longer indexed one by one (this connection sees its own schema change).
    expect(textTriggers(db).map((t) => (t as { name: string }).name)).toEqual([
      'papers_text_delete',
      'papers_text_update',
    ]);
    // An older paper and a new one change their indexed text inside the same transaction (as a merge does).
    db.prepare("UPDATE papers SET abstract = 'now about zqchanged words' WHERE title LIKE 'zqold study 0 %'").run();
    db.prepare(`UPDATE papers SET authors = '["Author zqlater"]' WHERE title LIKE 'zqnew study ${count - 1} %'`).run();
    expect(
      db
        .prepare("SELECT count(*) FROM papers WHERE abstract LIKE '%zqchanged%' OR authors LIKE '%zqlater%'")
        .pluck()
        .get(),
    ).toBe(2);
    await store.commit();

    expect(textTriggers(db)).toEqual(before);
    expect(() => integrityCheck(db)).not.toThrow();
    const index = createSqliteTextIndex(db);
    expect(index.matchText('zqnew')).toHaveLength(count);
    expect(index.matchText('zqchanged')).toHaveLength(1);
    expect(index.matchText('zqlater')).toHaveLength(1);
    // A small write after it goes through the restored triggers.
    await store.begin();
    await store.savePapers([paper(1, 'zqsmall')], NOW);
    await store.commit();
    expect(index.matchText('zqsmall')).toHaveLength(1);
    expect(() => integrityCheck(db)).not.toThrow();
    db.close();
  });

  it('a large transaction rolled back leaves the triggers and the index as they were', async () => {
    const store = createSqliteStore(join(tempDir(), 'p.db'));
    const { db } = store;
    const before = textTriggers(db);
    await store.begin();
    await store.savePapers(
      Array.from({ length: BULK_TEXT_THRESHOLD + 10 }, (_, i) => paper(i, 'zqgone')),
      NOW,
    );
    await store.rollback();
    expect(textTriggers(db)).toEqual(before);
    await store.begin();
    await store.savePapers([paper(1, 'zqkept')], NOW);
    await store.commit();
    expect(createSqliteTextIndex(db).matchText('zqkept')).toHaveLength(1);
    expect(() => integrityCheck(db)).not.toThrow();
    db.close();
  });

  it('a search in another process while `paperboy ingest` imports a large file sees every paper it finds stored, and all new papers after', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'p.db');
    const records = join(dir, 'records.jsonl');
    const count = BULK_TEXT_THRESHOLD * 3;
    // Papers there before the import, and the import's own.
    createSqliteStore(dbFile).db.close();
    const seed = createSqliteStore(dbFile);
    await seed.begin();
    await seed.savePapers(
      Array.from({ length: 50 }, (_, i) => paper(100_000 + i, 'zqseed')),
      NOW,
    );
    await seed.commit();
    seed.db.close();
    writeRecords(records, count, 'zqbulk');

    const child = spawn(process.execPath, [BIN, 'ingest', records, '--db', dbFile], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let code: number | null | undefined;
    void exited.then((c) => {
      code = c;
    });
    const reader = new Database(dbFile, { readonly: true });
    const seen = new Set<number>();
    let reads = 0;
    try {
      while (code === undefined) {
        const bulk = readBoth(reader, 'zqbulk');
        const old = readBoth(reader, 'zqseed');
        // Every paper found is a stored paper, and the index finds exactly the stored papers: all or nothing.
        expect(bulk.real).toBe(bulk.found.length);
        expect(bulk.found).toEqual(bulk.stored);
        expect([0, count]).toContain(bulk.stored.length);
        expect(old.found).toHaveLength(50);
        seen.add(bulk.stored.length);
        reads++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(code).toBe(0);
      const after = readBoth(reader, 'zqbulk');
      expect(after.stored).toHaveLength(count);
      expect(after.found).toEqual(after.stored);
      expect(reads).toBeGreaterThan(1);
      expect(seen.has(0)).toBe(true);
    } finally {
      reader.close();
      child.kill('SIGKILL');
    }
    const check = new Database(dbFile);
    expect(() => integrityCheck(check)).not.toThrow();
    check.close();
  }, 180_000);

  it('a `paperboy ingest` killed with SIGKILL mid-import leaves the papers, the triggers and the index in step', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'p.db');
    const records = join(dir, 'records.jsonl');
    const count = BULK_TEXT_THRESHOLD * 8;
    const fresh = createSqliteStore(dbFile);
    const before = textTriggers(fresh.db);
    fresh.db.close();
    writeRecords(records, count, 'zqkill');

    const child = spawn(process.execPath, [BIN, 'ingest', records, '--db', dbFile], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wal = `${dbFile}-wal`;
    // Killed once the import has written well past the threshold's worth of papers (WAL pages), before it ends.
    await waitFor(() => existsSync(wal) && statSync(wal).size > 8 * 1024 ** 2, 150_000);
    child.kill('SIGKILL');
    await exited;

    // Opening repairs nothing by hand: the import was one transaction, rolled back whole.
    const store = createSqliteStore(dbFile);
    const { db } = store;
    expect(textTriggers(db)).toEqual(before);
    expect(() => integrityCheck(db)).not.toThrow();
    const index = createSqliteTextIndex(db);
    const stored = db.prepare("SELECT count(*) FROM papers WHERE title LIKE 'zqkill %'").pluck().get() as number;
    expect(stored).toBe(0);
    expect(index.matchText('zqkill')).toHaveLength(0);
    // And the next import indexes as it should.
    await store.begin();
    await store.savePapers(
      Array.from({ length: 10 }, (_, i) => paper(i, 'zqafter')),
      NOW,
    );
    await store.commit();
    expect(index.matchText('zqafter')).toHaveLength(10);
    db.close();
  }, 180_000);
});
