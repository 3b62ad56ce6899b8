import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../src/cli/doctor-check.ts';
import { PROJECT_ROOT } from '../../src/config.ts';
import { APP_ID, startFakeDiscord } from '../fakes/fake-discord.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('paperboy doctor: Discord shards', () => {
  const tempDir = useTempDir();

  it('names the shards this instance runs in the discord_token line; a bad shard setting fails config', async () => {
    const discord = await startFakeDiscord();
    stops.push(discord.stop);
    const doctor = async (env: NodeJS.ProcessEnv) => {
      const run = await runPaperboy(['doctor', '--json', '--db', join(tempDir(), 'absent.db')], {
        env: {
          PAPERBOY_PROFILES: join(PROJECT_ROOT, 'data', 'profiles'),
          DISCORD_TOKEN: 'doctor-shards-token',
          DISCORD_APP_ID: APP_ID,
          DISCORD_API_URL: discord.apiUrl,
          ...env,
        },
      });
      const checks = (JSON.parse(run.stdout) as { checks: DoctorCheck[] }).checks;
      return (id: string) => checks.find((c) => c.id === id);
    };
    const sharded = await doctor({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '0,1' });
    expect(sharded('discord_token')).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/; shards 0,1 of 4$/),
    });
    const all = await doctor({ DISCORD_SHARD_COUNT: '2' });
    expect(all('discord_token')?.message).toMatch(/; shards all of 2$/);
    const plain = await doctor({});
    expect(plain('discord_token')?.message).not.toMatch(/shards/);
    const bad = await doctor({ DISCORD_SHARDS: '1' });
    expect(bad('config')).toMatchObject({ status: 'fail', message: expect.stringMatching(/DISCORD_SHARD_COUNT/) });
  });
});
