import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { ingestPaths, isRecentDate, type RecordProgress } from '../../src/core/ingest/ingest-files.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../helpers/shared-data.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const record = (title: string, date: string, extra: object = {}) =>
  JSON.stringify({ title, date, authors: ['Ann Lee'], category: 'cs.CL', abstract: `${title}.`, ...extra });

describe('R2: a bulk import does not flood digests', () => {
  const tempDir = useTempDir();

  it('R2: only full dates within the 7 days before the clock are recent; a year alone never is', () => {
    expect(isRecentDate('2026-11-28', NOW)).toBe(true);
    expect(isRecentDate('2026-11-21', NOW)).toBe(true);
    expect(isRecentDate('2026-11-20', NOW)).toBe(false);
    expect(isRecentDate('2026', NOW)).toBe(false);
    expect(isRecentDate('2026-11', NOW)).toBe(false);
    expect(isRecentDate('2023-11-28', NOW)).toBe(false);
  });

  it('R5: a record file reports its progress as it is read: records so far, bytes read of its size', async () => {
    const dir = tempDir();
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, `${Array.from({ length: 4500 }, (_, i) => record(`Paper ${i}`, '2020-01-01')).join('\n')}\n`);
    const store = createSqliteStore(join(dir, 'p.db'));
    const seen: RecordProgress[] = [];
    try {
      const summary = await ingestPaths([file], { store, clock: () => NOW, onRecordProgress: (p) => seen.push(p) });
      expect(summary.totals).toMatchObject({ records: 4500, papers: 4500, merged: 0, announced: 0 });
    } finally {
      await store.close();
    }
    expect(seen.map((p) => p.records)).toEqual([2000, 4000, 4500]);
    expect(seen.at(-1)?.bytesRead).toBe(seen.at(-1)?.bytesTotal);
    expect(seen[0]?.bytesRead).toBeLessThan(seen[0]?.bytesTotal as number);
  });

  async function subscribed(dir: string): Promise<string> {
    const db = join(dir, 'p.db');
    await runPaperboy(['start', '--db', db], { stdin: '/digest subscribe at 09:00\n', now: NOW });
    return db;
  }

  it('R2: ingest of JSON Lines announces only recent records; --json counts records, merged and announced', async () => {
    const dir = tempDir();
    const db = await subscribed(dir);
    const file = join(dir, 'corpus.jsonl');
    writeFileSync(
      file,
      `${[
        record('Fresh Result On Probes', '2026-11-25'),
        record('Old Result On Probes', '2021-03-04'),
        record('Year Only Result', '2026'),
        record('Old Result On Probes', '2021-03-04', { venue: 'ACL' }),
      ].join('\n')}\n`,
    );
    const ingest = await runPaperboy(['ingest', file, '--db', db, '--json'], { now: NOW });
    expect(ingest.code).toBe(0);
    expect(JSON.parse(ingest.stdout).totals).toMatchObject({ records: 4, merged: 1, announced: 1, newPapers: 3 });
    const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db, '--json']);
    const titles = JSON.parse(run.stdout).digests[0].papers.map((p: { title: string }) => p.title);
    expect(titles).toEqual(['Fresh Result On Probes']);
    // The text summary says the same, in words.
    const again = await runPaperboy(['ingest', file, '--db', db], { now: NOW });
    expect(again.stdout).toContain('3 papers from 4 records: 4 merged');
    expect(again.stdout).toContain('announced in digests: 0 new papers');
  });

  it('R2: --announce announces every new record; profile pages stay announced whatever their dates', async () => {
    const dir = tempDir();
    const db = await subscribed(dir);
    const file = join(dir, 'corpus.jsonl');
    writeFileSync(file, `${record('An Old Record Announced Anyway', '2019-05-06')}\n`);
    const page = join(dir, 'page.txt');
    writeFileSync(page, renderProfile(fakeProfile('New Person', [fakePaper(1, { title: 'An Old Page Paper' })])));
    const ingest = await runPaperboy(['ingest', file, page, '--announce', '--db', db, '--json'], { now: NOW });
    expect(JSON.parse(ingest.stdout).totals).toMatchObject({ records: 2, merged: 0, announced: 2 });
    const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db, '--json']);
    const titles = JSON.parse(run.stdout).digests[0].papers.map((p: { title: string }) => p.title);
    expect(titles.sort()).toEqual(['An Old Page Paper', 'An Old Record Announced Anyway']);
  });

  // large.jsonl.gz (191k records) takes minutes on a shared machine; small.jsonl.gz is the same shape and reader.
  it.skipIf(!hasSharedData)(
    'R2: importing the shared corpus into a subscribed database announces nothing old',
    async () => {
      const dir = tempDir();
      const db = await subscribed(dir);
      const ingest = await runPaperboy(
        ['ingest', join(SHARED_DATA, 'corpus', 'small.jsonl.gz'), '--db', db, '--json'],
        {
          now: NOW,
        },
      );
      expect(ingest.code).toBe(0);
      const totals = JSON.parse(ingest.stdout).totals;
      expect(totals.records).toBeGreaterThanOrEqual(totals.papers);
      expect(totals.merged).toBe(totals.records - totals.newPapers);
      expect(totals.announced).toBe(0);
      const run = await runPaperboy(['digest', 'run', '--now', '2026-11-29T09:00:00Z', '--db', db, '--json']);
      expect(JSON.parse(run.stdout).digests.every((d: { papers: unknown[] }) => d.papers.length === 0)).toBe(true);
    },
    120_000,
  );
  if (!hasSharedData) it.skip(`large corpus: ${SHARED_SKIP_REASON}`, () => {});
});
