import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@retorquere/bibtex-parser';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_MENU_ID, DISCORD_LIMITS, TASTE_MENU_ID } from '../../../src/adapters/discord/render.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import { type FakeDiscord, GUILD_ID, startFakeDiscord, USER } from '../../fakes/fake-discord.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Component = { type: number; custom_id?: string; options?: { label: string; value: string }[] };
type Data = {
  content?: string;
  flags?: number;
  embeds?: { title?: string }[];
  components?: { components: Component[] }[];
};

describe('Discord reading list: real discord.js against a fake Discord', () => {
  let discord: FakeDiscord;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-reading-'));
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    copyFileSync(SAMPLE_PAGE, join(profiles, 'zac.txt'));
    served = await servePaperboy(
      ['start', '--db', join(dir, 'p.db'), '--profiles', profiles],
      { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: '100000000000000002', DISCORD_API_URL: discord.apiUrl },
      /Discord connected/,
    );
  });
  afterAll(async () => {
    expect(await served?.stop()).toBe(0);
    await discord?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const callback = async (id: string) => {
    const [call] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const uploads = (call?.body?.uploads ?? []) as { name: string; content: string }[];
    return { type: call?.body?.type as number, data: (call?.body?.data ?? {}) as Data, uploads };
  };
  const menuOf = (data: Data) =>
    data.components?.flatMap((r) => r.components).find((c) => c.custom_id === CARD_MENU_ID);
  const isEphemeral = (data: Data) => ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  const savedCount = async () => {
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      return await reader.readingList.count({ platform: 'discord', space: GUILD_ID, user: USER.id });
    } finally {
      await reader.close();
    }
  };

  it('every card of an answer can be saved and cited from one menu, within 5 rows', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'language models' }]);
    const { data } = await callback(id);
    expect(data.components?.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    const values = menuOf(data)?.options?.map((o) => o.value) ?? [];
    expect(values.filter((v) => v.startsWith('sv:'))).toHaveLength(data.embeds?.length ?? -1);
    expect(values.filter((v) => v.startsWith('ci:'))).toHaveLength(data.embeds?.length ?? -1);
  });

  it('Like and Not interested from the second menu are signals; Not interested takes the paper out of /foryou', async () => {
    const { id } = discord.command('foryou', []);
    const { data } = await callback(id);
    expect(isEphemeral(data)).toBe(true);
    expect(data.components?.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    const taste = data.components?.flatMap((r) => r.components).find((c) => c.custom_id === TASTE_MENU_ID);
    const dismiss = taste?.options?.find((o) => o.label === 'Not interested 1');
    expect(dismiss?.value).toMatch(/^ni:\d+$/);
    const answered = await callback(discord.select(TASTE_MENU_ID, [dismiss?.value ?? '']).id);
    expect(isEphemeral(answered.data)).toBe(true);
    expect(answered.data.content).toContain('Not interested in');
    const again = await callback(discord.command('foryou', []).id);
    const values = again.data.components?.flatMap((r) => r.components).flatMap((c) => c.options ?? []);
    expect(values?.map((o) => o.value) ?? []).not.toContain(dismiss?.value);
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      const signals = await createSqliteTaste(reader.db).signals({
        kind: 'user',
        platform: 'discord',
        space: GUILD_ID,
        id: USER.id,
      });
      expect(signals.map((x) => x.source)).toContain('dismiss');
    } finally {
      await reader.close();
    }
  });

  it('Save chosen twice stores one entry, answered ephemerally; /saved lists it; Remove removes it', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'sycophancy' }]);
    const save = menuOf((await callback(id)).data)?.options?.find((o) => o.label === 'Save 1');
    expect(save?.value).toMatch(/^sv:\d+$/);
    const first = await callback(discord.select(CARD_MENU_ID, [save?.value ?? '']).id);
    expect(first.type).toBe(4);
    expect(isEphemeral(first.data)).toBe(true);
    expect(first.data.content).toContain('Saved “Towards Understanding Sycophancy');
    const second = await callback(discord.select(CARD_MENU_ID, [save?.value ?? '']).id);
    expect(second.data.content).toContain('already in your reading list');
    expect(await savedCount()).toBe(1);

    const list = await callback(discord.command('saved', []).id);
    expect(isEphemeral(list.data)).toBe(true);
    expect(list.data.embeds?.[0]?.title).toContain('Towards Understanding Sycophancy');
    const remove = menuOf(list.data)?.options?.find((o) => o.label === 'Remove 1');
    expect(remove?.value).toMatch(/^rm:\d+:1$/);
    const removed = await callback(discord.select(CARD_MENU_ID, [remove?.value ?? '']).id);
    expect(removed.type).toBe(7);
    expect(removed.data.content).toContain('Your reading list is empty');
    expect(await savedCount()).toBe(0);
  });

  it('/saved export attaches a BibTeX file, ephemerally', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'toy models superposition' }]);
    const save = menuOf((await callback(id)).data)?.options?.find((o) => o.label === 'Save 1');
    await callback(discord.select(CARD_MENU_ID, [save?.value ?? '']).id);
    const exported = await callback(discord.command('saved', [{ name: 'action', type: 3, value: 'export' }]).id);
    expect(isEphemeral(exported.data)).toBe(true);
    const [file] = exported.uploads;
    expect(file?.name).toBe('reading-list.bib');
    const parsed = parse(file?.content ?? '', { sentenceCase: false });
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries.map((e) => e.fields.title)).toEqual(['Toy Models of Superposition']);
  });

  it('Cite and /cite answer with BibTeX only the person sees', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'sycophancy' }]);
    const cite = menuOf((await callback(id)).data)?.options?.find((o) => o.label === 'Cite 1');
    const cited = await callback(discord.select(CARD_MENU_ID, [cite?.value ?? '']).id);
    expect(cited.type).toBe(4);
    expect(isEphemeral(cited.data)).toBe(true);
    const bib = /```bibtex\n([\s\S]*)```/.exec(cited.data.content ?? '')?.[1] ?? '';
    expect(parse(bib, { sentenceCase: false }).entries[0]?.fields.title).toBe(
      'Towards Understanding Sycophancy in Language Models',
    );
    const unknown = await callback(discord.command('cite', [{ name: 'papers', type: 3, value: '424242' }]).id);
    expect(isEphemeral(unknown.data)).toBe(true);
    expect(unknown.data.content).toContain('No paper has id 424242');
  });
});
