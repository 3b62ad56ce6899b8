import type { DiscordSettings } from '../adapters/discord/discord-client.ts';
import { type Config, discordShardsOf } from '../config.ts';

/** What the Discord adapter needs from the configuration: the token, the REST base and this instance's shards. */
export function discordSettings(config: Config, token: string): DiscordSettings {
  const shards = discordShardsOf(config);
  return { token, apiUrl: config.DISCORD_API_URL, ...(shards ? { shards } : {}) };
}
