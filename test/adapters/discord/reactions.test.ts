import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import type { TasteOwner } from '../../../src/core/foryou/taste-store.ts';
import { CHANNEL_ID, type FakeDiscord, GUILD_ID, startFakeDiscord, USER } from '../../fakes/fake-discord.ts';
import { writeLinkedRecords } from '../../helpers/link-papers.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor, waitForAsync } from '../../helpers/wait-for.ts';

const PERSON: TasteOwner = { kind: 'user', platform: 'discord', space: GUILD_ID, id: USER.id };
const CHANNEL: TasteOwner = { kind: 'channel', platform: 'discord', space: GUILD_ID, id: CHANNEL_ID };
const OTHER = { ...USER, id: '100000000000000077', username: 'bea', global_name: 'Bea' };
const BOT = { ...USER, id: '100000000000000078', username: 'otherbot', global_name: null, bot: true };

describe('Discord reactions: real discord.js against a fake Discord', () => {
  let discord: FakeDiscord;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-reactions-'));
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', writeLinkedRecords(dir), '--db', db])).code).toBe(0);
    served = await servePaperboy(
      ['start', '--db', db],
      {
        DISCORD_TOKEN: 'test-token',
        DISCORD_APP_ID: '100000000000000002',
        DISCORD_API_URL: discord.apiUrl,
        PAPERBOY_ARXIV_LOOKUP: 'off',
      },
      /Discord connected/,
    );
  });
  afterAll(async () => {
    expect(await served?.stop()).toBe(0);
    await discord?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const signalsOf = async (owner: TasteOwner) => {
    const reader = createSqliteStore(join(dir, 'p.db'), { readonly: true });
    try {
      return (await createSqliteTaste(reader.db).signals(owner)).map((s) => [s.source, s.actor, s.paperId]);
    } finally {
      await reader.close();
    }
  };
  /** Mentions Paperboy and returns its answer (id and text), once that answer is remembered or not. */
  const answer = async (text: string) => {
    const before = discord.messagesIn(CHANNEL_ID).length;
    discord.mention(`<@100000000000000001> ${text}`);
    const [posted] = await waitFor(
      () => discord.messagesIn(CHANNEL_ID).length > before && discord.messagesIn(CHANNEL_ID),
    );
    // Remembering follows the post: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { id: String(posted?.id), text: JSON.stringify(posted) };
  };

  it('a 👍 on a single-card answer is a signal for the person and the channel; removed, it is gone', async () => {
    const single = await answer('https://arxiv.org/abs/2604.19544');
    const paperId = Number(/id (\d+)/.exec(single.text)?.[1]);
    expect(paperId).toBeGreaterThan(0);

    discord.reaction('add', single.id, '👍🏽');
    const mine = await waitForAsync(async () => ((await signalsOf(PERSON)).length ? signalsOf(PERSON) : undefined));
    expect(mine).toEqual([['reaction_up', USER.id, paperId]]);
    expect(await signalsOf(CHANNEL)).toEqual([['reaction_up', USER.id, paperId]]);

    discord.reaction('remove', single.id, '👍🏽');
    await waitForAsync(async () => (await signalsOf(PERSON)).length === 0);
    expect(await signalsOf(CHANNEL)).toEqual([]);
  });

  it('a bot’s reaction, one on a many-card answer or an unknown message, or another emoji is ignored', async () => {
    const single = await answer('https://arxiv.org/abs/2604.19544');
    const many = await answer('linked paper');
    expect(many.text.match(/id \d+/g)?.length ?? 0).toBeGreaterThan(1);

    discord.reaction('add', single.id, '👍', BOT);
    discord.reaction('add', many.id, '👍', OTHER);
    discord.reaction('add', '100000000000000099', '👎', OTHER);
    discord.reaction('add', single.id, '🎉', OTHER);
    // Then one that counts: the gateway's events are handled in order, so the ones before it have been seen.
    discord.reaction('add', single.id, '👎', OTHER);
    const owner = { ...PERSON, id: OTHER.id };
    const theirs = await waitForAsync(async () => ((await signalsOf(owner)).length ? signalsOf(owner) : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await signalsOf(owner)).map(([source]) => source)).toEqual(['reaction_down']);
    expect(theirs).toHaveLength(1);
    expect(await signalsOf({ ...PERSON, id: BOT.id })).toEqual([]);
    expect((await signalsOf(CHANNEL)).map(([source, actor]) => [source, actor])).toEqual([['reaction_down', OTHER.id]]);
  });
});
