import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, renderDiscord } from '../../../src/adapters/discord/render.ts';
import { createSqliteDigests } from '../../../src/adapters/sqlite/sqlite-digests.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { Reply } from '../../../src/core/commands/reply.ts';
import { type FakeDiscord, GUILD_ID, startFakeDiscord } from '../../fakes/fake-discord.ts';
import { type Embed, expectValidEmbeds } from '../../helpers/discord-embeds.ts';
import { runPaperboy } from '../../helpers/run-cli.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('Discord: real discord.js against a fake Discord', () => {
  let discord: FakeDiscord;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-'));
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    copyFileSync(SAMPLE_PAGE, join(profiles, 'zac.txt'));
    writeFileSync(
      join(profiles, 'mallory.txt'),
      'Mallory Markup\n\nh-index1\n\nCLJan 2, 2024\n**Bold** @everyone <@&123> ping # heading [x](http://evil)\n\nMallory Markup\n\nAn abstract.\n',
    );
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

  it('answers /paper with one valid embed per card and page buttons', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'language models' }]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const data = callback?.body?.data as {
      embeds: Embed[];
      components: { components: { custom_id: string }[] }[];
      allowed_mentions?: unknown;
    };
    expect(callback?.body?.type).toBe(4);
    expect(data.embeds.length).toBeGreaterThan(1);
    expectValidEmbeds(data.embeds);
    expect(data.embeds[0]?.footer?.text).toMatch(/page 1 of \d+/);
    const ids = data.components.flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids).toContain('pg:2:language models');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((c) => c.length <= DISCORD_LIMITS.customId)).toBe(true);
    expect(data.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('pages with the Next button by updating the message', async () => {
    const { id } = discord.button('pg:2:language models');
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    expect(callback?.body?.type).toBe(7);
    const data = callback?.body?.data as { embeds: Embed[] };
    expect(data.embeds[0]?.title).toMatch(/^6\. /);
    expectValidEmbeds(data.embeds);
  });

  it('answers "more like this" from a card button, and an old button kindly', async () => {
    const { id } = discord.button('mo:2:1');
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    expect(callback?.body?.type).toBe(7);
    expect(callback?.body?.data).toMatchObject({ content: expect.stringMatching(/^More like/) });
    const stale = discord.button('zz:unknown');
    const [reply] = await waitFor(() => discord.callbacksFor(stale.id).length > 0 && discord.callbacksFor(stale.id));
    expect(reply?.body?.type).toBe(4);
    expect(reply?.body?.data).toMatchObject({ content: expect.stringMatching(/older Paperboy/), flags: 64 });
  });

  it('answers a bad query with a short ephemeral message', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'colour:red' }]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    expect(callback?.body?.data).toMatchObject({ content: expect.stringMatching(/^Sorry: invalid query/), flags: 64 });
  });

  it('H6 keeps the query option whole: its words that read as options stay words; the options are the options', async () => {
    const { id } = discord.command('digest', [
      {
        name: 'subscribe',
        type: 1,
        options: [
          { name: 'query', type: 3, value: 'talks at 10:00 empty' },
          { name: 'at', type: 3, value: '08:30' },
          { name: 'empty', type: 5, value: false },
        ],
      },
    ]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const content = String((callback?.body?.data as { content?: string } | undefined)?.content);
    expect(content).toMatch(/^Subscribed: #\d+ /);
    expect(content).toContain('daily at 08:30');
    expect(content).not.toContain('no new papers');
    const store = createSqliteStore(join(dir, 'p.db'));
    try {
      const [subscription] = await createSqliteDigests(store.db).listSubscriptions({ platform: 'discord' });
      expect(subscription).toMatchObject({ time: '08:30', postEmpty: false });
      expect(subscription?.query).toMatch(/^talks "at" 10:00 "empty"$/);
    } finally {
      await store.close();
    }
  });

  it('the ranked option makes a ranked digest, kept with its server so it finds the channel taste', async () => {
    const { id } = discord.command('digest', [
      {
        name: 'subscribe',
        type: 1,
        options: [
          { name: 'query', type: 3, value: 'ranked retrieval' },
          { name: 'ranked', type: 5, value: true },
        ],
      },
    ]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const content = String((callback?.body?.data as { content?: string } | undefined)?.content);
    expect(content).toMatch(/^Subscribed: #\d+ .*ranked by this channel's taste/);
    const store = createSqliteStore(join(dir, 'p.db'));
    try {
      const all = await createSqliteDigests(store.db).listSubscriptions({ platform: 'discord' });
      const subscription = all.find((s) => s.query.startsWith('ranked'));
      expect(subscription).toMatchObject({ query: 'ranked retrieval', ranked: true, space: GUILD_ID });
    } finally {
      await store.close();
    }
  });

  it('turns the rhythm and day options into a weekly digest, and a day with another rhythm into a clear refusal', async () => {
    const subscribe = (options: { name: string; type: number; value: string }[]) =>
      discord.command('digest', [{ name: 'subscribe', type: 1, options }]);
    const answerTo = async (id: string) => {
      const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
      return String((callback?.body?.data as { content?: string } | undefined)?.content);
    };
    const weekly = subscribe([
      { name: 'query', type: 3, value: 'news weekly' },
      { name: 'rhythm', type: 3, value: 'weekly' },
      { name: 'day', type: 3, value: 'mon' },
      { name: 'tz', type: 3, value: 'Europe/Berlin' },
    ]);
    expect(await answerTo(weekly.id)).toMatch(
      /^Subscribed: #\d+ “news "weekly"” · weekly on Monday at 09:00 Europe\/Berlin/,
    );
    // A day alone means weekly.
    const dayOnly = subscribe([{ name: 'day', type: 3, value: 'fri' }]);
    expect(await answerTo(dayOnly.id)).toMatch(/· weekly on Friday at 09:00 UTC/);
    const weekdays = subscribe([{ name: 'rhythm', type: 3, value: 'weekdays' }]);
    expect(await answerTo(weekdays.id)).toMatch(/· weekdays at 09:00 UTC/);
    const clash = subscribe([
      { name: 'rhythm', type: 3, value: 'daily' },
      { name: 'day', type: 3, value: 'mon' },
    ]);
    expect(await answerTo(clash.id)).toMatch(/"daily" and "weekly" are both rhythms/);
    const dayless = subscribe([{ name: 'rhythm', type: 3, value: 'weekly' }]);
    expect(await answerTo(dayless.id)).toMatch(/"weekly" needs a day/);
    const watch = discord.command('digest', [
      {
        name: 'watch',
        type: 1,
        options: [
          { name: 'query', type: 3, value: 'robots' },
          { name: 'day', type: 3, value: 'mon' },
          { name: 'at', type: 3, value: '07:00' },
        ],
      },
    ]);
    expect(await answerTo(watch.id)).toMatch(/^Watching: #\d+ “robots” · direct message weekly on Monday at 07:00 UTC/);
    const store = createSqliteStore(join(dir, 'p.db'));
    try {
      const made = (await createSqliteDigests(store.db).listSubscriptions({ platform: 'discord' })).filter(
        (s) => s.rhythm !== 'daily',
      );
      expect(made.map((s) => [s.kind, s.rhythm, s.weekday, s.time])).toEqual([
        ['channel', 'weekly', 1, '09:00'],
        ['channel', 'weekly', 5, '09:00'],
        ['channel', 'weekdays', null, '09:00'],
        ['watch', 'weekly', 1, '07:00'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('autocompletes /author with at most 25 known names', async () => {
    const { id } = discord.autocomplete('author', 'name', 'zac');
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    expect(callback?.body?.type).toBe(8);
    const choices = (callback?.body?.data as { choices: { name: string }[] } | undefined)?.choices ?? [];
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]?.name).toBe('Zac Hatfield-Dodds');
  });

  it('answers /author with an author embed', async () => {
    const { id } = discord.command('author', [{ name: 'name', type: 3, value: 'Zac Hatfield-Dodds' }]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const data = callback?.body?.data as { embeds: Embed[] };
    expectValidEmbeds(data.embeds);
    // The page's figures, labelled as the page's; the index's own citations are unknown for page-only papers.
    expect(data.embeds[0]?.fields?.find((f) => f.name === "Profile page's figures")?.value).toMatch(/citations 15,836/);
    expect(data.embeds[0]?.fields?.find((f) => f.name === 'Citations')?.value).toMatch(/no paper has a count/);
  });

  it('replies to a mention in the channel, with a nonce so a retry cannot post twice', async () => {
    const messageId = discord.mention('<@100000000000000001> papers on sycophancy');
    const [post] = await waitFor(() => {
      const posts = discord.calls.filter(
        (c) => c.method === 'POST' && c.path.endsWith('/messages') && JSON.stringify(c.body).includes(messageId),
      );
      return posts.length > 0 && posts;
    });
    expect(post?.body?.message_reference).toMatchObject({ message_id: messageId });
    expect(post?.body?.enforce_nonce).toBe(true);
    expect(JSON.stringify(post?.body?.embeds)).toContain('Sycophancy');
  });

  it('escapes markdown and mentions in titles, and pings nobody', async () => {
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'author:"Mallory Markup"' }]);
    const [callback] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const data = callback?.body?.data as { embeds: Embed[]; allowed_mentions: unknown };
    const title = data.embeds[0]?.title ?? '';
    expect(title).toContain('\\*\\*Bold\\*\\*');
    expect(title).not.toContain('@everyone');
    expect(title).toContain('@\u200beveryone');
    expect(data.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('waits out a 429 as Discord asks and posts the answer once', async () => {
    discord.failNext(/^POST \/interactions\/\d+\/[^/]+\/callback$/, 429, 1);
    const { id } = discord.command('paper', [{ name: 'query', type: 3, value: 'toy models' }]);
    const attempts = await waitFor(() => discord.callbacksFor(id).length >= 2 && discord.callbacksFor(id));
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.callbacksFor(id)).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('defers, then edits, when the index is far behind the database', async () => {
    const writer = createSqliteStore(join(dir, 'p.db'));
    await writer.begin();
    await writer.savePapers(
      Array.from({ length: 21_000 }, (_, i) => ({
        title: `Bulk paper ${i} on graph sparsification`,
        authors: ['Bulk Author'],
        authorsTruncated: false,
        affiliations: [],
        abstract: null,
        date: '2024',
        category: 'LG',
        categoryFull: 'cs.LG',
        hasCode: false,
        codeUrl: null,
        arxivId: null,
        venue: null,
        citations: null,
      })),
      new Date(),
    );
    await writer.commit();
    await writer.close();
    const { id, token } = discord.command('paper', [{ name: 'query', type: 3, value: 'sparsification' }]);
    const [edit] = await waitFor(() => discord.editsFor(token).length > 0 && discord.editsFor(token), 20_000);
    expect(discord.callbacksFor(id)[0]?.body?.type).toBe(5);
    expect(JSON.stringify(edit?.body?.embeds)).toContain('graph sparsification');
  });

  it('registers the commands with one bulk overwrite; twice changes nothing', async () => {
    const env = { DISCORD_TOKEN: 'test-token', DISCORD_APP_ID: '100000000000000002', DISCORD_API_URL: discord.apiUrl };
    const first = await runPaperboy(['register-commands', '--guild', '100000000000000003'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /registered \/paper, \/author, \/follow, \/unfollow, \/digest, \/save, \/saved, \/cite, \/foryou, \/help, "Find paper" \(message command\) in server/,
    );
    const names = () => (discord.commands.get('100000000000000003') ?? []).map((c) => c.name);
    const before = names();
    await runPaperboy(['register-commands', '--guild', '100000000000000003'], { env });
    expect(names()).toEqual(before);
    expect(discord.calls.filter((c) => c.method === 'PUT' && c.path.includes('/commands'))).toHaveLength(2);
    expect((await runPaperboy(['register-commands'], { env: { DISCORD_TOKEN: 'x' } })).stderr).toMatch(
      /DISCORD_APP_ID/,
    );
  });
});

describe('renderDiscord', () => {
  it('keeps a page of long cards within every embed limit, trimming the abstract first', () => {
    const long = 'word '.repeat(2000);
    const reply: Reply = {
      kind: 'papers',
      heading: 'Papers for “x”',
      cards: Array.from({ length: 10 }, (_, i) => ({
        id: i,
        title: `T${i} ${'very long title '.repeat(30)}`,
        url: 'https://arxiv.org/abs/1',
        authors: ['A'],
        authorsTruncated: false,
        affiliations: [],
        date: '2024-01-01',
        category: 'CL',
        hasCode: false,
        codeUrl: null,
        snippet: [{ text: long, marked: false }],
        profiles: [],
        moreLikeThis: { type: 'more', paperId: i, page: 1 },
      })),
      page: {
        current: { type: 'page', query: 'x', page: 1 },
        page: 1,
        pageSize: 10,
        total: 30,
        next: { type: 'page', query: 'x', page: 2 },
      },
    };
    const message = renderDiscord(reply);
    expectValidEmbeds(message.embeds.map((e) => e.toJSON() as Embed));
    expect(message.embeds.length).toBeGreaterThan(3);
    expect(message.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    for (const row of message.components)
      expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
  });
});
