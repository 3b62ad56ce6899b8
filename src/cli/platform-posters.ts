import { createDiscordDigestPoster } from '../adapters/discord/digest-poster.ts';
import type { PaperboyLogger as Logger } from '../adapters/logger.ts';
import { createSlackDigestPoster } from '../adapters/slack/digest-poster.ts';
import type { Config } from '../config.ts';
import type { Platform } from '../core/digest/digest-store.ts';
import type { DigestPoster } from '../core/digest/run-digests.ts';

/** Digest posters for the platforms the configuration turns on (REST only: no gateway or socket needed). */
export function platformPosters(
  config: Config,
  logger: Logger,
  timeoutMs?: number,
): Partial<Record<Platform, DigestPoster>> {
  const posters: Partial<Record<Platform, DigestPoster>> = {};
  const timeout = timeoutMs ? { timeoutMs } : {};
  if (config.DISCORD_TOKEN)
    posters.discord = createDiscordDigestPoster({
      token: config.DISCORD_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      ...timeout,
    });
  if (config.SLACK_BOT_TOKEN) {
    posters.slack = createSlackDigestPoster({
      token: config.SLACK_BOT_TOKEN,
      logger,
      ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
      ...timeout,
    });
  }
  return posters;
}
