import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logger.ts';
import { PAPERBOY_VERSION } from '../../src/config.ts';
import { toSnippet } from '../../src/core/commands/paper-card.ts';
import { countOf, cutAtWord, fromLatex } from '../../src/core/text.ts';
import { startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { SAMPLE_PAGE } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const record = (title: string, date: string, abstract = `${title}.`) =>
  JSON.stringify({ title, date, authors: ['Ann Lee'], category: 'cs.CL', abstract });

describe('the first ten minutes: the smaller things', () => {
  const tempDir = useTempDir();

  it('R3: PORT set and no platform configured: start says so, naming both tokens, and exits 2', async () => {
    const run = await runPaperboy(['start', '--db', join(tempDir(), 'p.db')], { env: { PORT: '8089' }, stdin: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no platform is configured/);
    expect(run.stderr).toContain('DISCORD_TOKEN');
    expect(run.stderr).toContain('SLACK_BOT_TOKEN');
  });

  it('R3: without PORT, lines piped into start still get the terminal chat', async () => {
    const run = await runPaperboy(['start', '--db', join(tempDir(), 'p.db')], { stdin: '/paper sycophancy\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Towards Understanding Sycophancy in Language Models');
  });

  it('R2: a digest of more papers than it shows: the footer counts them all beside "and N more"', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    await runPaperboy(['start', '--db', db], { stdin: '/digest subscribe at 09:00\n', now: NOW });
    const file = join(dir, 'recent.jsonl');
    const lines = Array.from({ length: 56 }, (_, i) => record(`Recent paper number ${i + 1}`, '2026-11-27'));
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await runPaperboy(['ingest', file, '--db', db], { now: NOW })).code).toBe(0);
    const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db]);
    expect(run.stdout).toMatch(/1–50 of 56/);
    expect(run.stdout).not.toMatch(/1–50 of 50/);
    expect(run.stdout).toMatch(/6 more/);
  });

  it('R7: /digest preview of an empty digest says nothing is new since …, with no search hint', async () => {
    const run = await runPaperboy(['start', '--db', join(tempDir(), 'p.db')], {
      stdin: '/digest subscribe at 09:00\n/digest preview 1\n',
      now: NOW,
    });
    expect(run.stdout).toMatch(
      /Digest #1 would post nothing now: nothing new since its last digest \(subscribed 2026-11-28\)/,
    );
    expect(run.stdout).not.toMatch(/No papers found|Try fewer words/);
  });

  it('R6: a pasted link with arXiv unreachable: "looking up…" first, then one readable line, no stack', async () => {
    const arxiv = await startFakeArxiv({ papers: [] });
    try {
      arxiv.failNext(500, undefined, 10);
      const run = await runPaperboy(['start', '--db', join(tempDir(), 'p.db')], {
        env: { ...arxiv.env, LOG_FORMAT: 'pretty' },
        stdin: 'https://arxiv.org/abs/2501.00001\n',
      });
      expect(run.stdout).toMatch(/looking up…[\s\S]*arXiv 2501\.00001 is not in the index/);
      const warning = run.stderr.split('\n').filter((l) => /arxiv_unreachable/.test(l));
      expect(warning).toHaveLength(1);
      expect(warning[0]).toContain(arxiv.apiUrl);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await arxiv.stop();
    }
  }, 60_000);

  it('R6: on a terminal an error is one line with its causes; the stack only at LOG_LEVEL=debug', () => {
    const lines: string[] = [];
    const stream = { isTTY: true, write: (t: string) => lines.push(t) };
    const error = new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    createLogger(stream).warn('paperboy digest_failed:', error);
    expect(lines.join('')).toMatch(
      /WARN {2}paperboy digest_failed: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:9\n$/,
    );
    expect(lines.join('').split('\n')).toHaveLength(2);
    lines.length = 0;
    createLogger(stream, { env: { LOG_LEVEL: 'debug' } }).warn('paperboy digest_failed:', error);
    expect(lines.join('')).toMatch(/\n {2}Error: fetch failed\n\s+at /);
  });

  it('R9: --version prints the package version', async () => {
    const run = await runPaperboy(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${PAPERBOY_VERSION}\n` });
  });

  it('R9: counts read in the singular for one; a start that changes nothing logs no "loaded" line', async () => {
    expect([countOf(1, 'profile'), countOf(2, 'profile'), countOf(18000, 'paper')]).toEqual([
      '1 profile',
      '2 profiles',
      '18,000 papers',
    ]);
    const db = join(tempDir(), 'p.db');
    const first = await runPaperboy(['start', '--db', db], { stdin: '', env: { LOG_FORMAT: 'json' } });
    // The sample's arXiv ids beside its page merge into its papers: still 18 papers.
    expect(first.stderr).toMatch(
      /loaded 1 new or changed profile page and 1 new or changed record file from .*: 18 new papers/,
    );
    const again = await runPaperboy(['start', '--db', db], { stdin: '', env: { LOG_FORMAT: 'json' } });
    expect(again.stderr).not.toMatch(/loaded \d+ new or changed/);
    const backup = await runPaperboy(['backup', join(tempDir(), 'copy.db'), '--db', db]);
    expect(backup.stdout).toMatch(/18 papers, 1 profile,/);
  });

  it('R9: abstracts are cut at a word with an ellipsis, and their LaTeX reads as text', async () => {
    expect(cutAtWord('Human feedback is commonly utilized to finetune AI assistants', 30)).toBe(
      'Human feedback is commonly …',
    );
    expect(fromLatex('We show \\textbf{bold} claims in $O(n^2)$ time at 50\\% and {\\em so}~on')).toBe(
      'We show bold claims in O(n^2) time at 50% and so on',
    );
    const snippet = toSnippet('A \\emph{sycophancy} study of $k$ models.', ['sycophancy'])
      .map((s) => (s.marked ? `*${s.text}*` : s.text))
      .join('');
    expect(snippet).toBe('A *sycophancy* study of k models.');
    const dir = tempDir();
    const file = join(dir, 'r.jsonl');
    writeFileSync(file, `${record('A Long Abstract', '2020-01-01', `${'wordy '.repeat(100)}end`)}\n`);
    const db = join(dir, 'p.db');
    await runPaperboy(['ingest', file, '--db', db]);
    const paper = await runPaperboy(['search', 'long abstract', '--db', db, '--json']);
    const id = JSON.parse(paper.stdout).results[0].id;
    const shown = await runPaperboy(['bibtex', String(id), '--db', db]);
    expect(shown.code).toBe(0);
    const text = await runPaperboy(['start', '--db', db], { stdin: `/paper long abstract\n` });
    expect(text.stdout).toMatch(/wordy …/);
    expect(text.stdout).not.toMatch(/\bwor\b|\bwordy wo\b/);
  });

  it('R9: /saved 2 on a one-page list says there is no page 2', async () => {
    const db = join(tempDir(), 'p.db');
    await runPaperboy(['ingest', SAMPLE_PAGE, '--db', db]);
    const run = await runPaperboy(['start', '--db', db], { stdin: '/save 3\n/saved 2\n' });
    expect(run.stdout).toMatch(/there is no page 2: it has 1 page, this is page 1/);
  });

  it('R9: the help of --db, bibtex and search is right for a newcomer', async () => {
    const ingest = await runPaperboy(['ingest', '--help']);
    expect(ingest.stdout).toMatch(/--db <file>\s+SQLite database file/);
    expect(ingest.stdout).not.toContain('DATABASE_URL');
    expect(ingest.stdout).toContain('--announce');
    expect((await runPaperboy(['bibtex', '--help'])).stdout).toMatch(/DOIs/);
    expect((await runPaperboy(['search', '--help'])).stdout).toContain(
      `paperboy search 'moral self-correction by:"Deep Ganguli" since:2023'`,
    );
  });
});
