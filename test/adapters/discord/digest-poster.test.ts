import { EmbedBuilder, REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordDigestPoster } from '../../../src/adapters/discord/digest-poster.ts';
import { DISCORD_LIMITS } from '../../../src/adapters/discord/render.ts';
import { DIGEST_MAX_PAPERS } from '../../../src/core/digest/digest-selection.ts';
import { CHANNEL_ID, type FakeDiscord, nextId, startFakeDiscord } from '../../fakes/fake-discord.ts';
import { crashingAfterPost, digestFixture } from '../../helpers/digest-fixture.ts';

describe('Discord digests against a fake Discord', () => {
  let discord: FakeDiscord;
  beforeEach(async () => {
    discord = await startFakeDiscord();
  });
  afterEach(async () => {
    await discord.stop();
  });
  const poster = () => createDiscordDigestPoster({ token: 'test-token', apiUrl: discord.apiUrl });
  const context = { platform: 'discord' as const, channel: CHANNEL_ID, user: '100000000000000005' };

  it('posts a summary, opens a thread and splits the 50 papers shown of 200 within embed limits', async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { discord: poster() });
    expect(outcome?.status).toBe('sent');
    const [summary] = discord.messagesIn(CHANNEL_ID);
    expect(summary?.embeds).toHaveLength(1);
    const posts = discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    const threadPosts = posts.filter((c) => !c.path.includes(CHANNEL_ID));
    expect(discord.calls.some((c) => c.path.endsWith('/threads'))).toBe(true);
    let papers = 0;
    for (const post of threadPosts) {
      const embeds = post.body?.embeds as { title: string; description: string }[];
      expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
      const total = embeds.reduce((s, e) => s + e.title.length + e.description.length, 0);
      expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
      // discord.js's builders throw on any embed beyond Discord's limits.
      for (const e of embeds) new EmbedBuilder().setTitle(e.title).setDescription(e.description);
      expect(post.body?.allowed_mentions).toEqual({ parse: [] });
      papers += embeds.length;
    }
    expect(papers).toBe(DIGEST_MAX_PAPERS);
    expect(posts[0]?.body?.enforce_nonce).toBe(true);
    const description = ((summary?.embeds ?? []) as { description: string }[])[0]?.description;
    expect(description).toContain(`…and ${200 - DIGEST_MAX_PAPERS} more new papers: /paper since:`);
  });

  it('waits out a 429 and posts the digest once', async () => {
    const t = await digestFixture(context);
    await t.addPapers(2);
    discord.failNext(/^POST \/channels\/\d+\/messages$/, 429, 1);
    const [outcome] = await t.run('2026-11-29T09:00:00Z', { discord: poster() });
    expect(outcome?.status).toBe('sent');
    expect(discord.messagesIn(CHANNEL_ID)).toHaveLength(1);
  });

  it('finds a digest posted just before a crash by its footer and does not post it again', async () => {
    const t = await digestFixture(context);
    await t.addPapers(2);
    expect((await t.run('2026-11-29T09:00:00Z', { discord: crashingAfterPost(poster()) }))[0]?.status).toBe(
      'outcome_unknown',
    );
    // Looked at again after the recheck delay (2 minutes), before anything is sent again.
    expect((await t.run('2026-11-29T09:01:00Z', { discord: poster() }))[0]?.status).toBe('busy');
    expect((await t.run('2026-11-29T09:03:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    expect(discord.messagesIn(CHANNEL_ID)).toHaveLength(1);
  });

  it('H2 finds a digest posted before a crash after 150 messages of chat in the channel, and does not post it again', async () => {
    const t = await digestFixture(context);
    await t.addPapers(2);
    expect((await t.run('2026-11-29T09:00:00Z', { discord: crashingAfterPost(poster()) }))[0]?.status).toBe(
      'outcome_unknown',
    );
    // The bot was down for hours while people talked: the summary is no longer among the latest 50 messages.
    for (let i = 0; i < 150; i++) discord.postAs(CHANNEL_ID, `chat ${i}`);
    expect((await t.run('2026-11-29T12:00:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    expect(discord.messagesIn(CHANNEL_ID).filter((m) => m.author.id === '100000000000000001')).toHaveLength(1);
  });

  it('after a crash in the middle of the thread, posts only the missing part on restart', async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    // Summary, thread and the first card message go out; the second card message fails for good.
    discord.failNext(/^POST \/channels\/(?!100000000000000004)\d+\/messages$/, 400, 0, 1);
    expect((await t.run('2026-11-29T09:00:00Z', { discord: poster() }))[0]?.status).toBe('failed');
    const [summary] = discord.messagesIn(CHANNEL_ID);
    expect((await t.run('2026-11-29T09:01:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    expect(discord.messagesIn(CHANNEL_ID)).toHaveLength(1);
    const thread = discord.messagesIn(summary?.id as string);
    expect(thread.reduce((n, m) => n + (m.embeds as unknown[]).length, 0)).toBe(DIGEST_MAX_PAPERS);
  });

  it('sends a watch as a direct message', async () => {
    const t = await digestFixture(context, '/digest watch tiny models');
    await t.addPapers(2);
    await t.run('2026-11-28T12:15:00Z', { discord: poster() });
    expect(discord.calls.some((c) => c.path === '/users/@me/channels')).toBe(true);
    expect(discord.messagesIn(CHANNEL_ID)).toHaveLength(0);
  });

  it('H9 the fake answers as Discord: 404 Unknown Channel for a thread never made, and a thread opens with its starter message', async () => {
    const rest = new REST({ api: discord.apiUrl }).setToken('test-token');
    await expect(rest.get(Routes.channelMessages(nextId()))).rejects.toMatchObject({ status: 404, code: 10003 });
    const t = await digestFixture(context);
    await t.addPapers(2);
    await t.run('2026-11-29T09:00:00Z', { discord: poster() });
    const [summary] = discord.messagesIn(CHANNEL_ID);
    const thread = (await rest.get(Routes.channelMessages(summary?.id as string))) as {
      type: number;
      message_reference?: { message_id: string };
    }[];
    expect(thread.at(-1)).toMatchObject({ type: 21, message_reference: { message_id: summary?.id } });
  });

  it("H9 recovery counts only Paperboy's own card messages of the digest: not the starter message, people's replies or other bots", async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    // Summary, thread and the first card message go out; the second card message fails for good.
    discord.failNext(/^POST \/channels\/(?!100000000000000004)\d+\/messages$/, 400, 0, 1);
    expect((await t.run('2026-11-29T09:00:00Z', { discord: poster() }))[0]?.status).toBe('failed');
    const [summary] = discord.messagesIn(CHANNEL_ID);
    const thread = summary?.id as string;
    for (const words of ['nice', 'thanks', 'who is Author 3?']) discord.postAs(thread, words);
    const otherBot = { id: '100000000000000099', username: 'otherbot', discriminator: '0', bot: true, avatar: null };
    discord.postAs(thread, '', otherBot, [
      { title: 'Not a paper', footer: { text: 'Paperboy digest pb-digest-1 · part 2 of 20' } },
    ]);
    expect((await t.run('2026-11-29T09:01:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    const titles = discord
      .messagesIn(thread)
      .filter((m) => m.type === 0 && m.author.id === '100000000000000001')
      .flatMap((m) => (m.embeds as { title: string }[]).map((e) => e.title));
    expect(titles).toHaveLength(DIGEST_MAX_PAPERS);
    expect(new Set(titles).size).toBe(DIGEST_MAX_PAPERS);
  });

  it('H9 where no thread can be made, recovery finds the cards already in the channel and posts only the missing ones', async () => {
    const t = await digestFixture(context);
    await t.addPapers(200);
    // No permission to make threads, both times; the summary and one card message reach the channel, then a failure.
    discord.failNext(/^POST \/channels\/\d+\/messages\/\d+\/threads$/, 403);
    discord.failNext(/^POST \/channels\/\d+\/messages\/\d+\/threads$/, 403);
    discord.failNext(/^POST \/channels\/100000000000000004\/messages$/, 400, 0, 2);
    expect((await t.run('2026-11-29T09:00:00Z', { discord: poster() }))[0]?.status).toBe('failed');
    expect((await t.run('2026-11-29T09:01:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    const titles = discord.messagesIn(CHANNEL_ID).flatMap((m) => (m.embeds as { title: string }[]).map((e) => e.title));
    // The summary's title plus every paper shown once.
    expect(titles).toHaveLength(DIGEST_MAX_PAPERS + 1);
    expect(new Set(titles).size).toBe(DIGEST_MAX_PAPERS + 1);
  });

  it('H9 a watch cut off mid-way posts only the missing messages in the direct messages', async () => {
    const t = await digestFixture(context, '/digest watch tiny models');
    await t.addPapers(30);
    discord.failNext(/^POST \/channels\/9\d+\/messages$/, 400, 0, 2);
    expect((await t.run('2026-11-28T12:15:00Z', { discord: poster() }))[0]?.status).toBe('failed');
    expect((await t.run('2026-11-28T12:16:00Z', { discord: poster() }))[0]?.status).toBe('recovered');
    const dm = `9${context.user.slice(1)}`;
    const titles = discord.messagesIn(dm).flatMap((m) => (m.embeds as { title: string }[]).map((e) => e.title));
    expect(titles).toHaveLength(31);
    expect(new Set(titles).size).toBe(31);
  });
});
