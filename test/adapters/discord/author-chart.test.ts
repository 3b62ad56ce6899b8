import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_FILENAME, CHART_SIZE } from '../../../src/adapters/chart/render-png.ts';
import { DISCORD_LIMITS } from '../../../src/adapters/discord/render.ts';
import { type FakeDiscord, startFakeDiscord } from '../../fakes/fake-discord.ts';
import { decodePng } from '../../helpers/png.ts';
import { servePaperboy } from '../../helpers/serve.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Embed = { title?: string; image?: { url?: string }; fields?: { name: string; value: string }[] };

describe('Discord author cards carry their chart: real discord.js against a fake Discord', () => {
  let discord: FakeDiscord;
  let served: Awaited<ReturnType<typeof servePaperboy>>;
  let dir: string;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-discord-author-'));
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

  const answer = async (name: string) => {
    const { id } = discord.command('author', [{ name: 'name', type: 3, value: name }]);
    const [call] = await waitFor(() => discord.callbacksFor(id).length > 0 && discord.callbacksFor(id));
    const data = (call?.body?.data ?? {}) as { embeds?: Embed[]; attachments?: unknown[] };
    const uploads = (call?.body?.uploads ?? []) as { name: string; bytes: Buffer }[];
    return { embeds: data.embeds ?? [], uploads };
  };

  it('a sample co-author gets a card whose embed shows the attached PNG chart', async () => {
    const { embeds, uploads } = await answer('Amanda Askell');
    expect(embeds[0]?.title).toBe('Amanda Askell');
    expect(embeds[0]?.image?.url).toBe(`attachment://${CHART_FILENAME}`);
    expect(embeds[0]?.fields?.find((f) => f.name === 'Per year')?.value).toMatch(/^\d{4} [▁▂▃▄▅▆▇█·]+/);
    const [file] = uploads;
    expect(file?.name).toBe(CHART_FILENAME);
    expect(decodePng(file?.bytes as Buffer)).toMatchObject(CHART_SIZE);
    expect(file?.bytes.length).toBeLessThan(DISCORD_LIMITS.attachmentBytes);
  });

  it('A vs B answers two cards and one chart holding both series', async () => {
    const { embeds, uploads } = await answer('Amanda Askell vs Deep Ganguli');
    expect(embeds.map((e) => e.title)).toEqual(['Amanda Askell', 'Deep Ganguli']);
    expect(uploads).toHaveLength(1);
    expect(decodePng(uploads[0]?.bytes as Buffer)).toMatchObject(CHART_SIZE);
  });

  it('a mention "who is Amanda Askell" answers in the channel with the card and its chart', async () => {
    const messageId = discord.mention('<@100000000000000001> who is Amanda Askell');
    const [post] = await waitFor(() => {
      const posts = discord.calls.filter(
        (c) => c.method === 'POST' && c.path.endsWith('/messages') && JSON.stringify(c.body).includes(messageId),
      );
      return posts.length > 0 && posts;
    });
    const body = post?.body as { embeds?: Embed[]; uploads?: { name: string; bytes: Buffer }[] };
    expect(body.embeds?.[0]?.title).toBe('Amanda Askell');
    expect(body.embeds?.[0]?.image?.url).toBe(`attachment://${CHART_FILENAME}`);
    expect(decodePng(body.uploads?.[0]?.bytes as Buffer)).toMatchObject(CHART_SIZE);
  });
});
