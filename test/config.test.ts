import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, platformsOf } from '../src/config.ts';
import { useTempDir } from './helpers/temp-dir.ts';

describe('loadConfig', () => {
  const tempDir = useTempDir();
  const noFile = '/nonexistent/.env';

  it('has defaults for everything, and counts empty variables as unset', () => {
    const config = loadConfig({ PAPERBOY_TZ: '', DISCORD_TOKEN: '  ' }, noFile);
    expect(config.PAPERBOY_TZ).toBe('UTC');
    expect(config.PAPERBOY_DIGEST_MAX_LATE).toBe(12 * 60);
    expect(platformsOf(config)).toEqual({ discord: false, slack: false });
  });

  it('reads .env for what the environment leaves unset', () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'PAPERBOY_TZ=Europe/Berlin\nPORT=4000\n# comment\nPAPERBOY_DIGEST_MAX_LATE="90m"\n');
    const config = loadConfig({ PORT: '5000' }, file);
    expect(config).toMatchObject({ PAPERBOY_TZ: 'Europe/Berlin', PORT: 5000, PAPERBOY_DIGEST_MAX_LATE: 90 });
  });

  it('names every malformed variable and how to fix it', () => {
    const message = (() => {
      try {
        loadConfig({ PAPERBOY_TZ: 'Nowhere/City', PORT: 'eighty' }, noFile);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/must be an IANA time zone[^\n]*\n\s*→ at PAPERBOY_TZ/);
    expect(message).toMatch(/must be a port number from 0 to 65535\n\s*→ at PORT/);
    expect(message).toMatch(/Fix these variables in the environment or in \/nonexistent\/\.env/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }, noFile)).toThrow(/SLACK_SIGNING_SECRET/);
  });
});
