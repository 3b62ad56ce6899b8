import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { hasSharedData, SHARED_DATA, SHARED_SKIP_REASON } from '../../helpers/shared-data.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe.skipIf(!hasSharedData)(
  `pages made from the small corpus (${hasSharedData ? 'shared data found' : SHARED_SKIP_REASON})`,
  () => {
    const tempDir = useTempDir();

    it('loads all 1,546 pages with no error or warning, each paper once', async () => {
      const out = tempDir();
      execFileSync(
        process.execPath,
        [
          join(SHARED_DATA, '..', 'tools', 'make-profiles.mjs'),
          '--corpus',
          join(SHARED_DATA, 'corpus', 'small.jsonl.gz'),
          '--authors',
          join(SHARED_DATA, 'corpus', 'authors.jsonl.gz'),
          '--out',
          out,
          '--min-papers',
          '2',
        ],
        { stdio: 'ignore' },
      );
      const store = createSqliteStore(join(out, 'p.db'));
      const summary = await ingestPaths([out], { store, clock: () => new Date() });
      expect(summary.files).toHaveLength(1546);
      expect(summary.files.filter((f) => f.status !== 'ok')).toEqual([]);
      expect(summary.totals.profiles).toBe(1546);
      expect(summary.totals.papers).toBeGreaterThan(1300);
      expect(await store.counts()).toEqual({ profiles: 1546, papers: summary.totals.papers });
      await store.close();
    });
  },
);
