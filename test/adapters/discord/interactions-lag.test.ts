import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordAdapter, startDiscord } from '../../../src/adapters/discord/discord-client.ts';
import { createLogger } from '../../../src/adapters/logger.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTextIndex } from '../../../src/adapters/sqlite/sqlite-text-index.ts';
import { createChat } from '../../../src/core/commands/chat.ts';
import { ingestProfileFile } from '../../../src/core/ingest/ingest-files.ts';
import { PaperIndex } from '../../../src/core/search/paper-index.ts';
import { createSearch } from '../../../src/core/search/search.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/fake-discord.ts';
import { paperInput } from '../../helpers/digest-fixture.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// The real bot defers past 20,000 papers behind; a smaller bound keeps this test quick, the mechanism is the same.
const BEHIND = 1000;

describe('H12 Discord answers within its 3 s while the index lags', () => {
  let discord: FakeDiscord;
  let adapter: DiscordAdapter;
  let dir: string;
  // What `paperboy start` passes: the store's rev read through the text index, at once (no await).
  const lag = () => createSqliteTextIndex(store.db).rev() - index.rev;
  let store: ReturnType<typeof createSqliteStore>;
  let index: PaperIndex;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-lag-'));
    store = createSqliteStore(join(dir, 'p.db'));
    await ingestProfileFile(SAMPLE_PAGE, { store, clock: () => new Date() });
    index = await PaperIndex.open({ store });
    const chat = createChat({ store, search: createSearch({ store, index, text: createSqliteTextIndex(store.db) }) });
    adapter = await startDiscord(
      chat,
      { token: 'test-token', apiUrl: discord.apiUrl },
      createLogger(new PassThrough()),
      () => lag() > BEHIND,
    );
  });
  afterAll(async () => {
    await adapter?.stop();
    await discord?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Papers another process just imported: the store is ahead of the search index until the next search. */
  const importPapers = async (count: number) => {
    await store.begin();
    await store.savePapers(
      Array.from({ length: count }, (_, i) => paperInput(100_000 + i, `Bulk paper ${i} on graph sparsification`)),
      new Date(),
    );
    await store.commit();
  };
  const choicesOf = async (id: string) => {
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    expect(callback?.body?.type).toBe(8);
    const data = callback?.body?.data as { choices?: { name: string }[] } | undefined;
    return (data?.choices ?? []).map((c) => c.name);
  };

  it('H12 an autocomplete that reached the bot late is answered at once from what is ready (an empty list), not after a search', async () => {
    const late = discord.autocomplete('author', 'name', 'zac', 2600);
    expect(await choicesOf(late.id)).toEqual([]);
    // On time, the names are looked up, and kept ready for later.
    const fresh = discord.autocomplete('author', 'name', 'zac');
    expect(await choicesOf(fresh.id)).toContain('Zac Hatfield-Dodds');
  });

  it('H12 while the index lags, autocomplete answers within 2.5 s from what is ready: names found before, else none', async () => {
    await importPapers(3000);
    expect(lag()).toBeGreaterThan(BEHIND);
    const sent = Date.now();
    const known = discord.autocomplete('author', 'name', 'zac');
    const unknown = discord.autocomplete('author', 'name', 'hatfield');
    expect(await choicesOf(known.id)).toContain('Zac Hatfield-Dodds');
    expect(await choicesOf(unknown.id)).toEqual([]);
    const answered = Math.max(...[known.id, unknown.id].map((id) => discord.callbacksFor(id)[0]?.at ?? 0));
    expect(answered - sent).toBeLessThan(2500);
    // Autocomplete did not catch the index up: that is a search's work.
    expect(lag()).toBeGreaterThan(BEHIND);
  });

  it('H12 while the index lags, a button defers the update before the search, then edits the message with the page', async () => {
    expect(lag()).toBeGreaterThan(BEHIND);
    const { id, token } = discord.button('pg:1:sparsification');
    const [first] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id), 20_000);
    // 6: DEFERRED_UPDATE_MESSAGE, sent before the search ran; the edit then carries the search's answer.
    expect(first?.body?.type).toBe(6);
    const [edit] = await waitFor(() => discord.editsFor(token).length > 0 && discord.editsFor(token), 20_000);
    expect(first?.at ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(edit?.at ?? 0);
    expect(JSON.stringify(edit?.body?.embeds)).toContain('graph sparsification');
    expect(lag()).toBe(0);
  });
});
