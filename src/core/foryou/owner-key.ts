import { PaperboyError } from '../errors.ts';
import type { Reader } from '../reading/reading-list-store.ts';
import type { TasteOwner } from './taste-store.ts';

/** The terminal's own reader: the reading list `/save` fills in `paperboy start` without a platform. */
export const TERMINAL_READER: Reader = { platform: 'terminal', space: 'terminal', user: 'terminal' };

const PART = /^[^:\s]+$/;

/**
 * A person's key on the command line: `PLATFORM:SPACE:USER` (`slack:T…:U…`, `discord:GUILD:USER`,
 * `discord:dm:USER`), or a plain name without colons, which means `terminal:terminal:NAME`.
 */
export function parseUserKey(text: string): Reader {
  const key = text.trim();
  if (PART.test(key)) return { platform: 'terminal', space: 'terminal', user: key };
  const parts = key.split(':');
  if (parts.length === 3 && parts.every((p) => PART.test(p))) {
    const [platform, space, user] = parts as [string, string, string];
    return { platform, space, user };
  }
  throw new PaperboyError(
    'usage',
    `--user "${key.slice(0, 100)}" is not a person's key. Use PLATFORM:SPACE:USER (slack:T0123:U0456, discord:GUILD:USER, discord:dm:USER) or a plain name for the terminal (alice).`,
  );
}

/** A channel's key on the command line: `PLATFORM:SPACE:CHANNEL`. */
export function parseChannelKey(text: string): TasteOwner {
  const parts = text.trim().split(':');
  if (parts.length === 3 && parts.every((p) => PART.test(p))) {
    const [platform, space, id] = parts as [string, string, string];
    return { kind: 'channel', platform, space, id };
  }
  throw new PaperboyError(
    'usage',
    `--channel "${text.slice(0, 100)}" is not a channel's key. Use PLATFORM:SPACE:CHANNEL (slack:T0123:C0456, discord:GUILD:CHANNEL).`,
  );
}

export const userOwner = (reader: Reader): TasteOwner => ({
  kind: 'user',
  platform: reader.platform,
  space: reader.space,
  id: reader.user,
});

/** The key as the command line writes it. */
export const ownerKey = (owner: { platform: string; space: string; id?: string; user?: string }): string =>
  `${owner.platform}:${owner.space}:${owner.id ?? owner.user}`;
