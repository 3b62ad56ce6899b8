import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/adapters/sqlite/sqlite-migrations.ts';
import { createSqliteStore, migrate } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');
const titles = (page: { results: { paper: { title: string } }[] }) => page.results.map((r) => r.paper.title);
const removeDatabase = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};

describe('database identity', () => {
  const tempDir = useTempDir();

  it('is made once: the same database keeps it, another database at the same path gets another', async () => {
    const file = join(tempDir(), 'p.db');
    const first = createSqliteStore(file);
    const identity = await first.identity();
    expect(identity).toMatch(/^[0-9a-f]{32}$/);
    await first.close();
    const reopened = createSqliteStore(file);
    expect(await reopened.identity()).toBe(identity);
    await reopened.close();
    removeDatabase(file);
    const other = createSqliteStore(file);
    expect(await other.identity()).not.toBe(identity);
    await other.close();
  });

  it('is given to a database made before identities existed, when it upgrades', async () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('database_meta'));
    migrate(db, before);
    db.close();
    const store = createSqliteStore(file);
    expect(await store.identity()).toMatch(/^[0-9a-f]{32}$/);
    const rev = await store.profileRev();
    await store.saveProfile(fakeProfile('Ann', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    expect(await store.profileRev()).toBeGreaterThan(rev);
    await store.close();
  });

  it('a database rebuilt at the same path with other papers never answers from the old snapshot', async () => {
    const file = join(tempDir(), 'p.db');
    const old = createSqliteStore(file);
    await old.saveProfile(
      fakeProfile('Ann', [
        fakePaper(1, { title: 'Quantum gravel sorting', category: 'RO' }),
        fakePaper(2, { title: 'Gravel under pressure', category: 'RO' }),
      ]),
      { path: 'a', contentHash: '1' },
      clock(),
    );
    await (await openSearch({ store: old, text: createSqliteTextIndex(old.db) }, file)).index.saveSnapshot();
    await old.close();
    removeDatabase(file);

    // More papers than before, so the new database's revision is past the snapshot's.
    const rebuilt = createSqliteStore(file);
    await rebuilt.saveProfile(
      fakeProfile('Bob', [
        fakePaper(3, { title: 'Neural sponges', category: 'CL' }),
        fakePaper(4, { title: 'Sponges that learn', category: 'CL' }),
        fakePaper(5, { title: 'A sponge benchmark', category: 'CL' }),
      ]),
      { path: 'b', contentHash: '2' },
      clock(),
    );
    const { search, index } = await openSearch({ store: rebuilt, text: createSqliteTextIndex(rebuilt.db) }, file);
    expect(index.caughtUp).toBe(3);
    expect((await search.search('gravel')).total).toBe(0);
    expect((await search.search('cat:RO')).total).toBe(0);
    expect((await search.search('cat:CL', { pageSize: 10 })).total).toBe(3);
    expect(titles(await search.search('sponges'))).toContain('Neural sponges');
    // The snapshot written now is this database's, and is loaded as such.
    await index.saveSnapshot();
    expect((await openSearch({ store: rebuilt, text: createSqliteTextIndex(rebuilt.db) }, file)).index.caughtUp).toBe(
      0,
    );
    await rebuilt.close();
  });
});

describe('profile revision', () => {
  it('changes with every profile write, also a rewrite that keeps the count of profiles', async () => {
    const store = createSqliteStore(':memory:');
    const before = await store.profileRev();
    await store.saveProfile(fakeProfile('Ann Lee', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    const added = await store.profileRev();
    expect(added).toBeGreaterThan(before);
    await store.saveProfile(fakeProfile('ANN  LEE', [fakePaper(1)]), { path: 'a', contentHash: '2' }, clock());
    expect((await store.counts()).profiles).toBe(1);
    expect(await store.profileRev()).toBeGreaterThan(added);
    await store.close();
  });

  it('the author-name index follows a profile renamed in place', async () => {
    const store = createSqliteStore(':memory:');
    await store.saveProfile(fakeProfile('Ann Lee', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    const chat = createChat({
      store,
      search: (await openSearch({ store, text: createSqliteTextIndex(store.db) }, ':memory:')).search,
    });
    expect(await chat.suggestAuthors('ann')).toEqual(['Ann Lee']);
    await store.saveProfile(fakeProfile('ANN LEE', [fakePaper(1)]), { path: 'a', contentHash: '2' }, clock());
    expect(await chat.suggestAuthors('ann')).toEqual(['ANN LEE']);
    await store.close();
  });
});
