import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { openStores } from '../../src/cli/open-stores.ts';
import { createBackgroundEnrichment } from '../../src/core/enrich/background-enrichment.ts';
import type { EnrichRun } from '../../src/core/enrich/run-enrichment.ts';
import { startFakeOpenAlex } from '../fakes/fake-openalex.ts';
import { startFakeSemanticScholar } from '../fakes/fake-semantic-scholar.ts';
import { hasScholarlyData } from '../fakes/scholarly-data.ts';
import { ENRICH_PAPERS } from '../helpers/enrich-papers.ts';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const tempDir = useTempDir();

/** A port nothing listens on: connections are refused, as with a service that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('enrichment in a running bot', () => {
  it('with enrichment on and both services down, the bot still answers every command', async () => {
    const db = join(tempDir(), 'p.db');
    const port = await deadPort();
    const started = Date.now();
    const result = await runPaperboy(['start', '--db', db], {
      env: {
        PAPERBOY_OPENALEX: 'on',
        PAPERBOY_SEMANTIC_SCHOLAR: 'on',
        OPENALEX_URL: `http://127.0.0.1:${port}`,
        SEMANTIC_SCHOLAR_URL: `http://127.0.0.1:${port}/graph/v1`,
      },
      stdin: '/paper sycophancy sort:citations\n/paper cites:10\n/author Zac Hatfield-Dodds\n/help\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1. Towards Understanding Sycophancy in Language Models');
    // No paper of the sample page has a count: `cites:` answers none (and no error).
    expect(result.stdout).toContain('No papers found');
    expect(result.stdout).not.toMatch(/error/i);
    expect(result.stdout).toMatch(/Zac Hatfield-Dodds/);
    // The background run was stopped with the bot, not waited out (its retries back off for half a minute).
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it.skipIf(!hasScholarlyData)(
    'a background run fills the store; pokes while it runs or before the hour start nothing',
    async () => {
      const db = join(tempDir(), 'p.db');
      const seed = createSqliteStore(db);
      await seed.savePapers(ENRICH_PAPERS, new Date('2026-12-08T03:00:00Z'));
      await seed.close();
      const [openalex, s2] = await Promise.all([startFakeOpenAlex(), startFakeSemanticScholar()]);
      const stores = await openStores({ kind: 'sqlite', file: db });
      try {
        const { runEnrichment } = await import('../../src/core/enrich/run-enrichment.ts');
        const { createOpenAlexClient } = await import('../../src/adapters/openalex/openalex-client.ts');
        const { createSemanticScholarClient } = await import(
          '../../src/adapters/semantic-scholar/semantic-scholar-client.ts'
        );
        let now = new Date('2026-12-08T03:00:00Z');
        let runs = 0;
        const lookups = [
          createOpenAlexClient({ baseUrl: openalex.url }),
          createSemanticScholarClient({ baseUrl: s2.url }),
        ];
        const background = createBackgroundEnrichment({
          run: (signal): Promise<EnrichRun> => {
            runs++;
            return runEnrichment({ store: stores.enrichment, lookups, clock: () => now, owner: 'bot', signal });
          },
          clock: () => now,
          log: () => {},
          warn: () => {},
        });
        background.poke();
        background.poke();
        await background.running;
        expect(runs).toBe(1);
        expect((await stores.enrichment.citationCounts()).size).toBeGreaterThanOrEqual(4);
        now = new Date(now.getTime() + 30 * 60_000);
        background.poke();
        expect(runs).toBe(1);
        now = new Date(now.getTime() + 31 * 60_000);
        background.poke();
        expect(runs).toBe(2);
        await background.stop();
      } finally {
        await stores.close();
        await Promise.all([openalex.stop(), s2.stop()]);
      }
    },
  );
});
