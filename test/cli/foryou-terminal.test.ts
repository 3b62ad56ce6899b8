import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const TOPICS = [
  'reinforcement learning reward models policy optimisation for agents',
  'protein folding structure prediction with diffusion models',
  'speech recognition for low resource languages with transducers',
];

describe('For you in the terminal chat', () => {
  const tempDir = useTempDir();

  it('/saved import PATH, /foryou with why lines, /dismiss takes a paper out, /foryou reset forgets', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const corpus = join(dir, 'corpus.jsonl');
    writeFileSync(
      corpus,
      Array.from({ length: 18 }, (_, i) => {
        const topic = TOPICS[i % 3] as string;
        return JSON.stringify({
          arxivId: `2611.${String(i + 1).padStart(5, '0')}`,
          title: `${topic.split(' ').slice(0, 3).join(' ')} study ${i}`,
          authors: [`Author ${i}`],
          date: `2026-11-${String(20 + (i % 6)).padStart(2, '0')}`,
          category: 'cs.LG',
          abstract: `We study ${topic}. Variant ${i} improves ${topic.split(' ')[0]} results.`,
        });
      }).join('\n'),
    );
    expect((await runPaperboy(['ingest', corpus, '--db', db])).code).toBe(0);
    const bib = join(dir, 'lib.bib');
    // Papers 2, 5 and 8 (ids 2611.00002 …): protein folding.
    writeFileSync(bib, ['00002', '00005', '00008'].map((n) => `@misc{p${n}, eprint = {2611.${n}}}`).join('\n'));
    const ids = JSON.parse(
      (await runPaperboy(['search', 'protein folding', '--db', db, '--json', '--limit', '20'])).stdout,
    ).results as { id: number; arxivId: string }[];
    const unseen = ids.find((p) => !['2611.00002', '2611.00005', '2611.00008'].includes(p.arxivId));
    const result = await runPaperboy(['start', '--db', db, '--profiles', join(dir, 'none')], {
      stdin: `/saved import ${bib}\n/foryou\n/dismiss ${unseen?.id}\n/foryou\n/foryou reset\n/saved import ${join(dir, 'missing.bib')}\n`,
    });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('3 entries read, 3 found in the index, 3 added to your reading list');
    const [first, second] = out.split('Not interested in').map((part) => part.slice(part.lastIndexOf('For you:')));
    expect(first).toMatch(/For you: the week's papers ranked by what you saved and liked/);
    expect(first).toMatch(/1\. protein folding structure study \d+[\s\S]*why: /);
    expect(first).toMatch(new RegExp(`id ${unseen?.id}\\b`));
    expect(second).not.toMatch(new RegExp(`id ${unseen?.id}\\b`));
    expect(out).toContain('/like ID, /dismiss ID');
    // The dismissal and the three imports (the imported papers stay on the reading list, which still counts).
    expect(out).toMatch(/Forgot your 4 Like, Not interested/);
    expect(out).toMatch(/cannot read .*missing\.bib/);
  }, 120_000);
});
