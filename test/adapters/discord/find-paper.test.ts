import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIND_PAPER } from '../../../src/adapters/discord/commands.ts';
import { type FakeArxiv, startFakeArxiv } from '../../fakes/fake-arxiv.ts';
import { APP_ID, BOT_ID, type FakeDiscord, GUILD_ID, startFakeDiscord } from '../../fakes/fake-discord.ts';
import { type Embed, expectValidEmbeds } from '../../helpers/discord-embeds.ts';
import { LINKED, writeLinkedRecords } from '../../helpers/link-papers.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const EPHEMERAL = 64;

describe('Discord paper links: real discord.js against the fake gateway', () => {
  // The served database lives here for the whole file, so it is removed after all tests, not after each.
  let dir: string;
  let discord: FakeDiscord;
  let arxiv: FakeArxiv;
  let served: Awaited<ReturnType<typeof servePaperboy>>;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    arxiv = await startFakeArxiv();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-links-'));
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', writeLinkedRecords(dir), '--db', db])).code).toBe(0);
    served = await servePaperboy(
      ['start', '--db', db],
      { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_API_URL: discord.apiUrl, ...arxiv.env },
      /Discord connected/,
    );
  });
  afterAll(async () => {
    expect(await served?.stop()).toBe(0);
    await discord?.stop();
    await arxiv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const callback = async (id: string) =>
    (await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id)))[0];

  it('answers "Find paper" on a message ephemerally with the card of the link in it', async () => {
    const { id } = discord.messageCommand(FIND_PAPER, 'this one is good: <https://arxiv.org/abs/2604.19544v2>!');
    const answer = await callback(id);
    expect(answer?.body?.type).toBe(4);
    const data = answer?.body?.data as { embeds: Embed[]; flags: number; allowed_mentions?: unknown };
    expect(data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(data.embeds).toHaveLength(1);
    expect(data.embeds[0]?.title).toContain(LINKED.title.slice(0, 20));
    expectValidEmbeds(data.embeds);
    // Nobody is pinged by what a card holds.
    expect(data.allowed_mentions).toEqual({
      parse: [],
      replied_user: false,
    });
  });

  it('says so, ephemerally, when the target message holds no paper link', async () => {
    const { id } = discord.messageCommand(FIND_PAPER, 'see https://example.com and 3.14159');
    const answer = await callback(id);
    expect(answer?.body?.data).toMatchObject({ content: expect.stringMatching(/no paper link/), flags: EPHEMERAL });
  });

  it('answers a mention holding a link with its card', async () => {
    const messageId = discord.mention(`<@${BOT_ID}> have you read arXiv:2604.19544?`);
    const [post] = await waitFor(() => {
      const posts = discord.calls.filter(
        (c) => c.method === 'POST' && c.path.endsWith('/messages') && JSON.stringify(c.body).includes(messageId),
      );
      return posts.length > 0 && posts;
    });
    expect(JSON.stringify(post?.body?.embeds)).toContain(LINKED.title.slice(0, 20));
  });

  it('defers /paper with a link it lacks, looks it up on arXiv, then edits in the card', async () => {
    const { id, token } = discord.command('paper', [
      { name: 'query', type: 3, value: 'https://arxiv.org/abs/2611.10001' },
    ]);
    const [edit] = await waitFor(() => discord.editsFor(token).length > 0 && discord.editsFor(token), 20_000);
    expect(discord.callbacksFor(id)[0]?.body?.type).toBe(5);
    expect(JSON.stringify(edit?.body?.embeds)).toContain('Turn-Taking in Spoken Dialogue Agents');
    expect(arxiv.requests.map((r) => r.query.id_list)).toEqual(['2611.10001']);
  });

  it('register-commands registers "Find paper" as a message command (type 3) with the slash commands', async () => {
    const env = { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: APP_ID, DISCORD_API_URL: discord.apiUrl };
    const result = await runPaperboy(['register-commands', '--guild', GUILD_ID], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"Find paper" (message command)');
    const registered = discord.registered(GUILD_ID);
    expect(registered.find((c) => c.name === FIND_PAPER)).toMatchObject({ type: 3 });
    expect(registered.map((c) => c.name)).toEqual(expect.arrayContaining(['paper', 'author', 'digest', 'help']));
  });
});
