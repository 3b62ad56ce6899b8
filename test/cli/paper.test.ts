import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { startFakeArxiv } from '../fakes/fake-arxiv.ts';
import { LINKED, writeLinkedRecords } from '../helpers/link-papers.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const OFF = { PAPERBOY_ARXIV_LOOKUP: 'off' };
const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');

/** The real binary in its own process, as a person runs it. */
function runProcess(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('paperboy paper LINK_OR_ID', () => {
  const tempDir = useTempDir();

  async function linkedDb() {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', writeLinkedRecords(dir), '--db', db])).code).toBe(0);
    return db;
  }

  it('prints the paper behind a link as search --json shows it, without score (exit 0)', async () => {
    const db = await linkedDb();
    const result = await runPaperboy(['paper', 'https://arxiv.org/abs/2604.19544v2', '--db', db, '--json'], {
      env: OFF,
    });
    expect(result.code).toBe(0);
    const paper = JSON.parse(result.stdout);
    const search = JSON.parse((await runPaperboy(['search', 'Debiased Preference', '--db', db, '--json'])).stdout);
    const { score, ...expected } = search.results[0];
    expect(score).toBeTypeOf('number');
    expect(paper).toEqual(expected);
    expect(paper).toMatchObject({
      arxivId: LINKED.arxivId,
      title: LINKED.title,
      url: 'https://arxiv.org/abs/2604.19544',
    });
  });

  it('prints a pasted link as text too: title, authors, date, link', async () => {
    const db = await linkedDb();
    const result = await runPaperboy(['paper', '<https://arxiv.org/pdf/2604.19544v1.pdf|pdf>', '--db', db], {
      env: OFF,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(LINKED.title);
    expect(result.stdout).toContain('Ann <!here> Lee, Bo Chen');
    expect(result.stdout).toContain('https://arxiv.org/abs/2604.19544');
  });

  it('exit 1 for a paper not in the index (lookup off), naming the search for its id', async () => {
    const db = await linkedDb();
    const result = await runPaperboy(['paper', 'arXiv:2611.30042', '--db', db, '--json'], { env: OFF });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('arXiv 2611.30042 is not in the index');
    expect(result.stderr).toContain('paperboy search "2611.30042"');
  });

  it('exit 1 for text that is not a paper link, and for a link with words besides it', async () => {
    const db = await linkedDb();
    for (const text of ['https://example.com/paper', '2604.19544 transformers']) {
      const result = await runPaperboy(['paper', text, '--db', db], { env: OFF });
      expect(result.code, text).toBe(1);
      expect(result.stderr).toContain('is not a paper link or id');
    }
  });

  it('exit 2 without a link', async () => {
    expect((await runPaperboy(['paper'], { env: OFF })).code).toBe(2);
  });

  it('a link pasted into the terminal chat answers with the card', async () => {
    const db = await linkedDb();
    const result = await runPaperboy(['start', '--db', db], {
      stdin:
        'https://arxiv.org/abs/2604.19544\n/paper 2501.00001 2501.00002 2501.00003 2501.00004 2501.00005 2501.00006\n',
      env: OFF,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The paper you linked');
    expect(result.stdout).toContain(LINKED.title);
    expect(result.stdout).toContain('1 more not shown');
  });

  it('a real paperboy process looks a paper it lacks up on the fake arXiv, stores it, and prints it', async () => {
    const arxiv = await startFakeArxiv();
    try {
      const db = await linkedDb();
      const first = await runProcess(['paper', 'https://arxiv.org/abs/2611.10002v1', '--db', db, '--json'], arxiv.env);
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({
        arxivId: '2611.10002',
        title: 'Sparse Retrieval for Legal Question Answering',
      });
      expect(arxiv.requests.map((r) => r.query.id_list)).toEqual(['2611.10002']);
      // Stored: the second time the index answers, even with the lookup off.
      const again = await runPaperboy(['paper', '2611.10002', '--db', db, '--json'], { env: OFF });
      expect(again.code).toBe(0);
      expect(arxiv.requests).toHaveLength(1);
      // arXiv does not know it: exit 1.
      const unknown = await runPaperboy(['paper', '2611.99999', '--db', db], { env: arxiv.env });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('not in the index');
    } finally {
      await arxiv.stop();
    }
  }, 30_000);

  it.skipIf(!hasSharedData)(
    `after ingesting the small corpus, prints 2604.19544 from its v2 link${hasSharedData ? '' : ` (${SHARED_SKIP_REASON})`}`,
    async () => {
      const db = join(tempDir(), 'p.db');
      expect((await runPaperboy(['ingest', join(SHARED_DATA, 'corpus', 'small.jsonl.gz'), '--db', db])).code).toBe(0);
      const result = await runPaperboy(['paper', 'https://arxiv.org/abs/2604.19544v2', '--db', db, '--json'], {
        env: OFF,
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        arxivId: '2604.19544',
        title: expect.stringContaining('DT2IT-MRM'),
        url: 'https://arxiv.org/abs/2604.19544',
      });
    },
    60_000,
  );
});
