import { describe, expect, it } from 'vitest';
import { discordShardsOf, loadConfig } from '../src/config.ts';

const noFile = '/nonexistent/.env';
const messageOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env, noFile);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('DISCORD_SHARD_COUNT and DISCORD_SHARDS', () => {
  it('unset: no sharding, as before', () => {
    expect(discordShardsOf(loadConfig({}, noFile))).toBeUndefined();
  });

  it('reads the shards this instance runs, of how many (spaces, repeats and order aside)', () => {
    const config = loadConfig({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: ' 0, 1,1 ' }, noFile);
    expect(discordShardsOf(config)).toEqual({ ids: [0, 1], count: 4 });
  });

  it('a count alone runs every shard in this instance', () => {
    expect(discordShardsOf(loadConfig({ DISCORD_SHARD_COUNT: '3' }, noFile))).toEqual({ ids: [0, 1, 2], count: 3 });
  });

  it('refuses shards without a count, naming both variables', () => {
    const message = messageOf({ DISCORD_SHARDS: '0,1' });
    expect(message).toMatch(/needs DISCORD_SHARD_COUNT[^\n]*\n\s*→ at DISCORD_SHARDS/);
  });

  it('refuses a shard outside 0 … count-1, a count below 1, and shards that are not whole numbers', () => {
    expect(messageOf({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '1,2' })).toMatch(
      /shard 2 is not below DISCORD_SHARD_COUNT=2: shards are numbered 0 to 1\n\s*→ at DISCORD_SHARDS/,
    );
    for (const count of ['0', '-1', '1.5', 'four'])
      expect(messageOf({ DISCORD_SHARD_COUNT: count })).toMatch(
        /must be a whole number of shards, 1 or more\n\s*→ at DISCORD_SHARD_COUNT/,
      );
    for (const shards of ['-1', 'a,b', '0.5', ','])
      expect(messageOf({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: shards })).toMatch(
        /must be shard numbers separated by commas, such as 0,1\n\s*→ at DISCORD_SHARDS/,
      );
  });
});
