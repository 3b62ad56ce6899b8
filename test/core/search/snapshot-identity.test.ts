import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createChat } from '../../../src/core/commands/chat.ts';
import { openSearch } from '../../../src/core/search/open-search.ts';
import { MIGRATIONS } from '../../../src/core/store/migrations.ts';
import { createSqliteStore, migrate } from '../../../src/core/store/sqlite-store.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const clock = () => new Date('2026-01-01T00:00:00Z');
const titles = (page: { results: { paper: { title: string } }[] }) => page.results.map((r) => r.paper.title);
const removeDatabase = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};

describe('database identity', () => {
  const tempDir = useTempDir();

  it('is made once: the same database keeps it, another database at the same path gets another', () => {
    const file = join(tempDir(), 'p.db');
    const first = createSqliteStore(file);
    const identity = first.identity();
    expect(identity).toMatch(/^[0-9a-f]{32}$/);
    first.close();
    const reopened = createSqliteStore(file);
    expect(reopened.identity()).toBe(identity);
    reopened.close();
    removeDatabase(file);
    const other = createSqliteStore(file);
    expect(other.identity()).not.toBe(identity);
    other.close();
  });

  it('is given to a database made before identities existed, when it upgrades', () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('database_meta'));
    migrate(db, before);
    db.close();
    const store = createSqliteStore(file);
    expect(store.identity()).toMatch(/^[0-9a-f]{32}$/);
    const rev = store.profileRev();
    store.saveProfile(fakeProfile('Ann', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    expect(store.profileRev()).toBeGreaterThan(rev);
    store.close();
  });

  it('a database rebuilt at the same path with other papers never answers from the old snapshot', () => {
    const file = join(tempDir(), 'p.db');
    const old = createSqliteStore(file);
    old.saveProfile(
      fakeProfile('Ann', [
        fakePaper(1, { title: 'Quantum gravel sorting', category: 'RO' }),
        fakePaper(2, { title: 'Gravel under pressure', category: 'RO' }),
      ]),
      { path: 'a', contentHash: '1' },
      clock(),
    );
    openSearch(old, file).index.saveSnapshot();
    old.close();
    removeDatabase(file);

    // More papers than before, so the new database's revision is past the snapshot's.
    const rebuilt = createSqliteStore(file);
    rebuilt.saveProfile(
      fakeProfile('Bob', [
        fakePaper(3, { title: 'Neural sponges', category: 'CL' }),
        fakePaper(4, { title: 'Sponges that learn', category: 'CL' }),
        fakePaper(5, { title: 'A sponge benchmark', category: 'CL' }),
      ]),
      { path: 'b', contentHash: '2' },
      clock(),
    );
    const { search, index } = openSearch(rebuilt, file);
    expect(index.caughtUp).toBe(3);
    expect(search.search('gravel').total).toBe(0);
    expect(search.search('cat:RO').total).toBe(0);
    expect(search.search('cat:CL', { pageSize: 10 }).total).toBe(3);
    expect(titles(search.search('sponges'))).toContain('Neural sponges');
    // The snapshot written now is this database's, and is loaded as such.
    index.saveSnapshot();
    expect(openSearch(rebuilt, file).index.caughtUp).toBe(0);
    rebuilt.close();
  });
});

describe('profile revision', () => {
  it('changes with every profile write, also a rewrite that keeps the count of profiles', () => {
    const store = createSqliteStore(':memory:');
    const before = store.profileRev();
    store.saveProfile(fakeProfile('Ann Lee', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    const added = store.profileRev();
    expect(added).toBeGreaterThan(before);
    store.saveProfile(fakeProfile('ANN  LEE', [fakePaper(1)]), { path: 'a', contentHash: '2' }, clock());
    expect(store.counts().profiles).toBe(1);
    expect(store.profileRev()).toBeGreaterThan(added);
    store.close();
  });

  it('the author-name index follows a profile renamed in place', () => {
    const store = createSqliteStore(':memory:');
    store.saveProfile(fakeProfile('Ann Lee', [fakePaper(1)]), { path: 'a', contentHash: '1' }, clock());
    const chat = createChat({ store, search: openSearch(store, ':memory:').search });
    expect(chat.suggestAuthors('ann')).toEqual(['Ann Lee']);
    store.saveProfile(fakeProfile('ANN LEE', [fakePaper(1)]), { path: 'a', contentHash: '2' }, clock());
    expect(chat.suggestAuthors('ann')).toEqual(['ANN LEE']);
    store.close();
  });
});
