import type { Logger } from '@slack/bolt';
import type { Config } from '../config.ts';
import type { Platform } from '../core/digest/digest-store.ts';
import type { DigestPoster } from '../core/digest/run-digests.ts';

/** Digest posters for the platforms the configuration turns on (REST only: no gateway or socket needed). */
export function platformPosters(_config: Config, _logger: Logger): Partial<Record<Platform, DigestPoster>> {
  return {};
}
