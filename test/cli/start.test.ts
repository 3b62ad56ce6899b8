import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('paperboy start (terminal chat)', () => {
  const tempDir = useTempDir();

  it('loads data/profiles and answers one command per line from a pipe', async () => {
    const db = join(tempDir(), 'p.db');
    const result = await runPaperboy(['start', '--db', db], {
      stdin: '/paper sycophancy\n/author Zac Hatfield-Dodds\n/next\n/nonsense\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1. Towards Understanding Sycophancy in Language Models');
    expect(result.stdout).toMatch(/h-index 18 · papers 18 · citations 15,836/);
    expect(result.stdout).toContain('There is no next page.');
    expect(result.stdout).toContain('I don’t know'.replace('’', "'"));
  });

  it('is idempotent: a second start adds nothing', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['start', '--db', db], { stdin: '' });
    const again = await runPaperboy(['start', '--db', db], { stdin: '/author Zac Hatfield-Dodds\n' });
    expect(again.stdout).toMatch(/papers: 18 \(2021–2025\)/);
  });

  it('reports a bad configuration naming the variable and how to fix it', async () => {
    const result = await runPaperboy(['start', '--db', join(tempDir(), 'p.db')], {
      env: { PAPERBOY_TZ: 'Mars/Olympus' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/IANA time zone[\s\S]*PAPERBOY_TZ/);
  });

  it('warns, and still serves, when the profiles folder does not exist', async () => {
    const dir = tempDir();
    const result = await runPaperboy(['start', '--db', join(dir, 'p.db'), '--profiles', join(dir, 'nowhere')], {
      stdin: '/help\n',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/profiles folder .*nowhere does not exist.*PAPERBOY_PROFILES/);
  });

  it('works as `npm start` does: the real binary, stdin piped', () => {
    const dir = tempDir();
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    writeFileSync(
      join(profiles, 'solo.txt'),
      'Solo Person\n\nh-index2\n\nCLJun 1, 2024\nGraph things\n\nSolo Person\n',
    );
    const run = spawnSync(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'paperboy.js'), 'start', '--profiles', profiles],
      {
        input: '/paper graph\n',
        env: { ...process.env, PAPERBOY_DB: join(dir, 'p.db'), DISCORD_TOKEN: '', SLACK_BOT_TOKEN: '' },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1. Graph things');
  });
});
