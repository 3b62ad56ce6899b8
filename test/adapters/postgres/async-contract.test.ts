import { describe, expect, it } from 'vitest';
import { type AsyncPaperStore, asAsync } from '../../../src/adapters/postgres/async-contract.ts';
import { createSqliteStore } from '../../../src/core/store/sqlite-store.ts';

describe('asAsync', () => {
  it('answers a synchronous store’s calls as Promises, its readingList too, and turns a throw into a rejection', async () => {
    const sync = createSqliteStore(':memory:');
    const store: AsyncPaperStore = asAsync(sync);
    const pending = store.maxRev();
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(0);
    expect(await store.identity()).toBe(sync.identity());
    expect(await store.readingList.count({ platform: 'terminal', space: 'terminal', user: 'me' })).toBe(0);
    await store.begin();
    const thrown = store.begin();
    await expect(thrown).rejects.toThrow(/transaction/);
    await store.rollback();
    sync.close();
  });
});
