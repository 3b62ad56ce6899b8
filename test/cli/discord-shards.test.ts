import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import {
  BOT_ID,
  channelOfGuild,
  GUILD_ID,
  guildOnShard,
  shardOfGuild,
  startFakeDiscord,
} from '../fakes/fake-discord.ts';
import { storeKinds } from '../helpers/instance-store.ts';
import { type PaperboyProcess, startPaperboyProcess } from '../helpers/paperboy-process.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { servePaperboy } from '../helpers/serve.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PROFILES = join(PROJECT_ROOT, 'data', 'profiles');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(storeKinds())('Discord shards over several instances on one $name store', (kind) => {
  const tempDir = useTempDir();

  it.skipIf(kind.skip)(
    'two `paperboy start` processes, DISCORD_SHARD_COUNT=2 with shard 0 and shard 1, on one store: each interaction is answered once, by the instance running its server’s shard',
    async () => {
      // Servers on both shards (GUILD_ID is on shard 0 of 2); direct messages belong to shard 0.
      const servers = [GUILD_ID, guildOnShard(1, 2), guildOnShard(0, 2, 1), guildOnShard(1, 2, 1)];
      expect(servers.map((guild) => shardOfGuild(guild, 2))).toEqual([0, 1, 0, 1]);
      const discord = await startFakeDiscord({ shardCount: 2, guilds: servers.slice(1) });
      cleanups.push(discord.stop);
      const dir = tempDir();
      const store = await kind.create(dir);
      cleanups.push(store.drop);
      // The pages are in the store before the instances start: on PostgreSQL only the instance holding the
      // watcher's lock loads the folder, and the other may already answer.
      expect((await runPaperboy(['ingest', PROFILES, ...store.args], { env: store.env(9) })).code).toBe(0);
      const instance = (shard: string) => {
        const started = startPaperboyProcess(['start', ...store.args, '--profiles', PROFILES], {
          ...store.env(Number(shard)),
          DISCORD_TOKEN: 'shards-discord-token',
          DISCORD_API_URL: discord.apiUrl,
          DISCORD_SHARD_COUNT: '2',
          DISCORD_SHARDS: shard,
        });
        cleanups.push(started.kill);
        return started;
      };
      // Started together, as a deployment would.
      const instances: PaperboyProcess[] = [instance('0'), instance('1')];
      await Promise.all([
        instances[0]?.ready(/Discord connected as paperboy\S* \(shards 0 of 2\)/),
        instances[1]?.ready(/Discord connected as paperboy\S* \(shards 1 of 2\)/),
      ]);
      expect(discord.shards().sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);

      const asked = [
        ...servers.map((guild) => ({ shard: shardOfGuild(guild, 2), ...discord.command('paper', paperQuery, guild) })),
        { shard: 0, ...discord.command('paper', paperQuery, null) },
      ];
      // A mention of the bot in a server of each shard, answered in that server's channel.
      const mentions = [servers[0], servers[1]].map((guild = GUILD_ID) => ({
        shard: shardOfGuild(guild, 2),
        channel: channelOfGuild(guild),
        id: discord.mention(`<@${BOT_ID}> papers on sycophancy`, guild),
      }));
      const repliesIn = (channel: string) => discord.messagesIn(channel).filter((m) => m.author.id === BOT_ID);
      await waitFor(
        () =>
          asked.every((a) => discord.callbacksFor(a.id).length > 0) &&
          mentions.every((m) => repliesIn(m.channel).length > 0),
        30_000,
      );
      // Time for a second answer, were one coming.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const answeredBy = (id: string) =>
        instances.flatMap((p, shard) =>
          p.lines().some((line) => line.requestId === id && line.msg === 'paperboy: answered') ? [shard] : [],
        );
      for (const { id, shard } of asked) {
        expect(discord.callbacksFor(id)).toHaveLength(1);
        expect(answeredBy(id)).toEqual([shard]);
        // The gateway sent it to one connection: the one that identified as its shard.
        expect(discord.dispatched.filter((d) => d.id === id).map((d) => d.shard)).toEqual([[shard, 2]]);
      }
      expect(JSON.stringify(discord.callbacksFor(asked[1]?.id ?? '')[0]?.body)).toContain('Sycophancy');
      for (const { id, shard, channel } of mentions) {
        expect(repliesIn(channel)).toHaveLength(1);
        expect(answeredBy(id)).toEqual([shard]);
      }

      for (const p of instances) expect(await p.stop()).toBe(0);
    },
    120_000,
  );
});

describe('Discord shards in one instance', () => {
  const tempDir = useTempDir();

  it('DISCORD_SHARD_COUNT alone: one instance runs every shard and answers servers on each', async () => {
    const other = guildOnShard(1, 2);
    // Both shards identify at once (otherwise discord.js waits 5 s between them, as Discord asks of most bots).
    const discord = await startFakeDiscord({ shardCount: 2, guilds: [other], maxConcurrency: 2 });
    cleanups.push(discord.stop);
    const served = await servePaperboy(
      ['start', '--db', join(tempDir(), 'p.db'), '--profiles', PROFILES],
      { DISCORD_TOKEN: 'shards-discord-token', DISCORD_API_URL: discord.apiUrl, DISCORD_SHARD_COUNT: '2' },
      /Discord connected as \S+ \(shards 0,1 of 2\)/,
    );
    cleanups.push(async () => expect(await served.stop()).toBe(0));
    expect(discord.shards().sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const asked = [GUILD_ID, other].map((guild) => discord.command('paper', paperQuery, guild));
    await waitFor(() => asked.every((a) => discord.callbacksFor(a.id).length > 0), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { id } of asked) expect(discord.callbacksFor(id)).toHaveLength(1);
  }, 60_000);
});

const paperQuery = [{ name: 'query', type: 3, value: 'sycophancy' }];
